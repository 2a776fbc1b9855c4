using BeidouHub.Protocol.V1;
using BeidouHub.Service.Configuration;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// This node's connection to the NATS cluster and its two JetStream key-value buckets: the
/// receivers' leases (entries expire <see cref="ClusterConfig.LeaseTtl"/> after their last
/// renewal) and their latest positions (kept). The connection is made in the background and
/// retried for as long as the service runs: a NATS outage stops neither the service nor its own
/// receivers.
/// </summary>
internal sealed partial class ClusterNode : IAsyncDisposable
{
    private readonly ClusterConfig _config;
    private readonly ILogger<ClusterNode> _logger;
    private readonly TimeProvider _time;
    private readonly NatsConnection _nats;
    private readonly CancellationTokenSource _stop = new();
    private Task<(INatsKVStore Leases, INatsKVStore Latest)>? _buckets;
    private Task<INatsJSContext>? _historyStream;

    public ClusterNode(ClusterConfig config, TimeProvider time, ILogger<ClusterNode> logger)
    {
        _config = config;
        _time = time;
        _logger = logger;
        Node = config.Node;
        Subjects = new ClusterSubjects(config.Prefix);
        var opts = new NatsOpts
        {
            Url = config.Nats!,
            Name = "beidouhub " + Node,
            // A node never wants its own messages back: it has its own receivers' epochs already.
            Echo = false,
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(5),
            AuthOpts = string.IsNullOrWhiteSpace(config.CredentialsFile) ? NatsAuthOpts.Default : NatsAuthOpts.Default with { CredsFile = config.CredentialsFile },
            TlsOpts = string.IsNullOrWhiteSpace(config.CaFile) ? NatsTlsOpts.Default : NatsTlsOpts.Default with { CaFile = config.CaFile },
            // Publishing while the connection is down fails after the command timeout instead of
            // waiting for the reconnect (the bridge does not publish while it is down anyway).
            PublishTimeoutOnDisconnected = true,
        };
        _nats = new NatsConnection(opts);
        _nats.ConnectionOpened += (_, e) =>
        {
            LogConnected(_logger, Node, e.Message);
            return ValueTask.CompletedTask;
        };
        _nats.ConnectionDisconnected += (_, e) =>
        {
            LogDisconnected(_logger, Node, e.Message);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>This node's id.</summary>
    public string Node { get; }

    public ClusterConfig Config => _config;

    public ClusterSubjects Subjects { get; }

    public NatsConnection Nats => _nats;

    public TimeProvider Time => _time;

    public bool Connected => _nats.ConnectionState == NatsConnectionState.Open;

    /// <summary>The lease bucket, once connected and created (waits until then).</summary>
    public async Task<INatsKVStore> LeasesAsync(CancellationToken cancellationToken) => (await BucketsAsync(cancellationToken).ConfigureAwait(false)).Leases;

    /// <summary>The latest-positions bucket, once connected and created (waits until then).</summary>
    public async Task<INatsKVStore> LatestAsync(CancellationToken cancellationToken) => (await BucketsAsync(cancellationToken).ConfigureAwait(false)).Latest;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _nats.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private Task<(INatsKVStore Leases, INatsKVStore Latest)> BucketsAsync(CancellationToken cancellationToken)
    {
        Task<(INatsKVStore, INatsKVStore)> buckets = LazyInitializer.EnsureInitialized(ref _buckets, () => CreateBucketsAsync(_stop.Token));
        return buckets.WaitAsync(cancellationToken);
    }

    // Connects and creates or updates the buckets, retried until it works.
    private Task<(INatsKVStore, INatsKVStore)> CreateBucketsAsync(CancellationToken stop) => RetryAsync(
        async () =>
        {
            await _nats.ConnectAsync().ConfigureAwait(false);
            int replicas = Replicas();
            var kv = new NatsKVContext(new NatsJSContext(_nats));
            INatsKVStore leases = await kv.CreateOrUpdateStoreAsync(
                new NatsKVConfig(Subjects.LeaseBucket)
                {
                    History = 1,
                    MaxAge = _config.LeaseTtl,
                    NumberOfReplicas = replicas,
                    Storage = NatsKVStorageType.Memory,
                    Description = "BeidouHub: which node reads which receiver",
                },
                stop).ConfigureAwait(false);
            INatsKVStore latest = await kv.CreateOrUpdateStoreAsync(
                new NatsKVConfig(Subjects.LatestBucket)
                {
                    History = 1,
                    NumberOfReplicas = replicas,
                    Storage = NatsKVStorageType.File,
                    Description = "BeidouHub: every receiver's latest complete position (beidouhub.v1.Position)",
                },
                stop).ConfigureAwait(false);
            LogBuckets(_logger, Node, Subjects.LeaseBucket, Subjects.LatestBucket, replicas);
            return (leases, latest);
        },
        problem => LogBucketsFailed(_logger, Node, problem),
        stop);

    /// <summary>
    /// The history stream (<c>{prefix}-history</c>, file storage, the buckets' replicas, limited by
    /// Cluster:HistoryStreamMaxAge and HistoryStreamMaxBytes, the oldest going first), created or
    /// updated once connected; its JetStream context. Waits until then.
    /// </summary>
    public Task<INatsJSContext> HistoryStreamAsync(CancellationToken cancellationToken)
    {
        Task<INatsJSContext> stream = LazyInitializer.EnsureInitialized(ref _historyStream, () => CreateHistoryStreamAsync(_stop.Token));
        return stream.WaitAsync(cancellationToken);
    }

    private async Task<INatsJSContext> CreateHistoryStreamAsync(CancellationToken stop)
    {
        await BucketsAsync(stop).ConfigureAwait(false); // connected, JetStream there
        var js = new NatsJSContext(_nats);
        return await RetryAsync(
            async () =>
            {
                int replicas = Replicas();
                await js.CreateOrUpdateStreamAsync(
                    new StreamConfig(Subjects.HistoryStream, [Subjects.History + ">"])
                    {
                        Storage = StreamConfigStorage.File,
                        NumReplicas = replicas,
                        MaxAge = _config.HistoryStreamMaxAge,
                        MaxBytes = _config.HistoryStreamMaxBytes,
                        Discard = StreamConfigDiscard.Old,
                        DuplicateWindow = TimeSpan.FromMinutes(2),
                        Description = "BeidouHub: history batches on their way to the store",
                    },
                    stop).ConfigureAwait(false);
                LogHistoryStream(_logger, Node, Subjects.HistoryStream, replicas, _config.HistoryStreamMaxAge.TotalHours, _config.HistoryStreamMaxBytes >> 20);
                return (INatsJSContext)js;
            },
            problem => LogHistoryStreamFailed(_logger, Node, Subjects.HistoryStream, problem, _config.HistoryStreamMaxBytes >> 20),
            stop).ConfigureAwait(false);
    }

    // Cluster:Replicas, or three on a NATS cluster and one on a single server (once connected).
    private int Replicas() => _config.Replicas > 0 ? _config.Replicas : string.IsNullOrEmpty(_nats.ServerInfo?.Cluster) ? 1 : 3;

    // Runs the attempt until it works, every second, with one log line per distinct problem.
    private async Task<T> RetryAsync<T>(Func<Task<T>> attempt, Action<string> problem, CancellationToken stop)
    {
        string? lastProblem = null;
        while (true)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is NatsException or TimeoutException or OperationCanceledException)
            {
                if (e.Message != lastProblem)
                {
                    lastProblem = e.Message;
                    problem(e.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The latest position the cluster holds for a receiver (its sequence carries over on a take-over); null when none.</summary>
    public async Task<Position?> LatestOfAsync(string receiverId, CancellationToken cancellationToken)
    {
        INatsKVStore latest = await LatestAsync(cancellationToken).ConfigureAwait(false);
        NatsResult<NatsKVEntry<Position>> entry = await latest.TryGetEntryAsync(ClusterSubjects.Token(receiverId), serializer: ProtoSerializer<Position>.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success ? entry.Value.Value : null;
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "cluster: node {Node} connected to NATS ({Detail})")]
    private static partial void LogConnected(ILogger logger, string node, string detail);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "cluster: node {Node} lost its NATS connection ({Detail}); reconnecting. Its own receivers go on; other nodes' receivers pause here; a lease it cannot renew within the lease time is given up")]
    private static partial void LogDisconnected(ILogger logger, string node, string detail);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "cluster: node {Node} uses buckets {Leases} and {Latest} ({Replicas} replica(s))")]
    private static partial void LogBuckets(ILogger logger, string node, string leases, string latest, int replicas);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "cluster: node {Node} sends its history through the stream {Stream} ({Replicas} replica(s), kept up to {Hours:0.#} h or {MegaBytes} MB)")]
    private static partial void LogHistoryStream(ILogger logger, string node, string stream, int replicas, double hours, long megaBytes);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "cluster: node {Node} cannot create the history stream {Stream} yet: {Problem}; history batches wait in the writer's buffer; trying again every second (HistoryStreamMaxBytes, {MegaBytes} MB per replica, must fit in the servers' JetStream max_file_store)")]
    private static partial void LogHistoryStreamFailed(ILogger logger, string node, string stream, string problem, long megaBytes);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "cluster: node {Node} cannot reach NATS or create its buckets yet: {Problem}; trying again every second (JetStream must be on: nats-server -js)")]
    private static partial void LogBucketsFailed(ILogger logger, string node, string problem);
}
