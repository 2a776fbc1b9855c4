namespace BeidouHub.Service.Configuration;

/// <summary>
/// <c>BeidouHub:Cluster</c>: several service nodes on one NATS cluster (with JetStream) serve one
/// view of every receiver (issue 15). Without <see cref="Nats"/> the service runs alone and needs
/// no NATS.
/// </summary>
internal sealed class ClusterConfig
{
    public const string Section = "BeidouHub:Cluster";

    /// <summary>
    /// The NATS servers, comma-separated: <c>nats://10.0.0.5:4222,nats://10.0.0.6:4222</c>
    /// (<c>tls://</c> for TLS, <c>nats://user:password@host:4222</c> for a user). Empty: no cluster.
    /// </summary>
    public string? Nats { get; set; }

    /// <summary>This node's name in the cluster (leases, logs, ListReceivers); the machine's name when empty.</summary>
    public string? NodeId { get; set; }

    /// <summary>A NATS credentials file (<c>.creds</c>: a user JWT and its NKey seed), as <c>nsc</c> makes them.</summary>
    public string? CredentialsFile { get; set; }

    /// <summary>A CA (PEM) the NATS servers' certificates are checked against, for <c>tls://</c> servers with a private CA.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// How long a node owns a receiver after its last renewal: a node that dies hands its receivers
    /// over after at most this (plus one renewal interval, a third of it). Shorter is a faster
    /// take-over and more lease traffic; 5 s is a few renewals per receiver per 5 s.
    /// </summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often at most a receiver's latest position goes into the cluster's latest-positions
    /// bucket (what GetLatestPositions and a new subscriber's first message read on another node);
    /// live positions do not wait for it.
    /// </summary>
    public TimeSpan LatestInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Replicas of the key-value buckets; 0: three on a NATS cluster, one on a single server.</summary>
    public int Replicas { get; set; }

    /// <summary>The subject prefix (and bucket name prefix): several parks can share one NATS with different prefixes.</summary>
    public string Prefix { get; set; } = "beidouhub";

    /// <summary>
    /// The history goes through a JetStream stream (<c>{prefix}-history</c>): each node publishes
    /// its history batches there, and the nodes' history stores consume them as one group (each
    /// batch written by one node, acknowledged after its commit). A store outage is then absorbed
    /// by the stream (up to <see cref="HistoryStreamMaxAge"/> and <see cref="HistoryStreamMaxBytes"/>),
    /// not by each node's memory. Needs a store the nodes share (History:Store=Postgres).
    /// </summary>
    public bool HistoryStream { get; set; }

    /// <summary>How long the history stream keeps batches no store has taken (a store outage longer than this loses the oldest).</summary>
    public TimeSpan HistoryStreamMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The history stream's size limit, bytes per replica (beyond it the oldest batches go).</summary>
    public long HistoryStreamMaxBytes { get; set; } = 1L << 30;

    /// <summary>Receiver sources every node can open (tcp, replay, sim, history) are read by one node at a time, by lease; serial ports always by their own machine.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Nats);

    /// <summary>The node id to use: <see cref="NodeId"/> or the machine's name.</summary>
    public string Node => string.IsNullOrWhiteSpace(NodeId) ? Environment.MachineName : NodeId.Trim();
}
