using System.Text;
using BeidouHub.Protocol.V1;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// Which node reads a receiver that every node can open (TCP, replay, simulator, history): the node
/// that holds its lease, an entry in the lease bucket under the receiver's id with the node's id
/// as value. Created only where there is none (JetStream's compare-and-set), renewed every third
/// of the lease time by revision, gone after the lease time without renewal (the bucket's max
/// age), so a dead node's receivers are taken over by the others within that time; a node that
/// stops hands them over at once.
/// </summary>
internal sealed partial class ReceiverLeases
{
    /// <summary>How far a take-over moves a receiver's sequence past the last one the cluster stored (1,048,576 epochs: a day at 10 Hz).</summary>
    public const long SequenceGap = 1 << 20;

    private readonly ClusterNode _node;
    private readonly ILogger<ReceiverLeases> _logger;

    public ReceiverLeases(ClusterNode node, ILogger<ReceiverLeases> logger)
    {
        _node = node;
        _logger = logger;
    }

    public string Node => _node.Node;

    /// <summary>Whether a receiver with this source is read by one node of the cluster at a time (false: by its own machine, a serial port).</summary>
    public static bool Shared(string source) => !source.StartsWith("serial:", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Waits until this node holds the receiver's lease. <paramref name="lastLocalSequence"/>: the
    /// last sequence this node's assembler gave the receiver, so the lease's
    /// <see cref="Lease.SequenceBase"/> makes the next one larger than any the cluster has seen.
    /// </summary>
    public async Task<Lease> AcquireAsync(string receiverId, long lastLocalSequence, CancellationToken cancellationToken)
    {
        string key = ClusterSubjects.Token(receiverId);
        byte[] me = Encoding.UTF8.GetBytes(Node);
        TimeSpan retry = _node.Config.LeaseTtl / 5;
        string? heldBy = null;
        while (true)
        {
            try
            {
                INatsKVStore leases = await _node.LeasesAsync(cancellationToken).ConfigureAwait(false);
                NatsResult<ulong> created = await leases.TryCreateAsync(key, me, cancellationToken: cancellationToken).ConfigureAwait(false);
                ulong revision = 0;
                if (created.Success)
                {
                    revision = created.Value;
                }
                else
                {
                    // Held: by this node itself (restarted within the lease time, same NodeId) it is taken back at once.
                    NatsResult<NatsKVEntry<byte[]>> entry = await leases.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
                    string owner = entry.Success && entry.Value.Value is { } v ? Encoding.UTF8.GetString(v) : "?";
                    if (entry.Success && owner == Node)
                    {
                        NatsResult<ulong> taken = await leases.TryUpdateAsync(key, me, entry.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
                        revision = taken.Success ? taken.Value : 0;
                    }

                    if (revision == 0 && owner != heldBy)
                    {
                        heldBy = owner;
                        LogHeld(_logger, receiverId, owner, Node);
                    }
                }

                if (revision != 0)
                {
                    Position? last = await _node.LatestOfAsync(receiverId, cancellationToken).ConfigureAwait(false);
                    long sequenceBase = last is null ? 0 : (long)last.Sequence + SequenceGap - lastLocalSequence;
                    LogAcquired(_logger, receiverId, Node, heldBy ?? "nobody", (long)(last?.Sequence ?? 0));
                    return new Lease(this, leases, receiverId, key, me, revision, Math.Max(0, sequenceBase));
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is NatsException or TimeoutException)
            {
                LogAcquireFailed(_logger, receiverId, Node, e.Message);
            }

            await Task.Delay(retry, _node.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A held lease: renewed in the background until disposed (then released) or lost.</summary>
    public sealed class Lease : IAsyncDisposable
    {
        private readonly ReceiverLeases _owner;
        private readonly INatsKVStore _bucket;
        private readonly string _key;
        private readonly byte[] _value;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;
        private ulong _revision;

        internal Lease(ReceiverLeases owner, INatsKVStore bucket, string receiverId, string key, byte[] value, ulong revision, long sequenceBase)
        {
            _owner = owner;
            _bucket = bucket;
            ReceiverId = receiverId;
            _key = key;
            _value = value;
            _revision = revision;
            SequenceBase = sequenceBase;
            _renewing = RenewAsync();
        }

        public string ReceiverId { get; }

        /// <summary>Added to the receiver's local sequence while this node reads it.</summary>
        public long SequenceBase { get; }

        /// <summary>Cancelled when the lease is lost (another node holds it, or renewals failed for too long).</summary>
        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewing.ConfigureAwait(false);
            if (!_lost.IsCancellationRequested)
            {
                // Handed over at once: another node need not wait for the lease to lapse.
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await _bucket.TryDeleteAsync(_key, new NatsKVDeleteOpts { Revision = _revision }, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
                {
                    // It lapses by itself after the lease time.
                }
            }

            _lost.Dispose();
            _stop.Dispose();
        }

        // Every third of the lease time; after a failed renewal (a NATS server lost, JetStream
        // electing the bucket's new leader) again every quarter second, until the lease could
        // have lapsed on the servers: then the node stops reading, before another can start.
        private async Task RenewAsync()
        {
            TimeProvider time = _owner._node.Time;
            TimeSpan ttl = _owner._node.Config.LeaseTtl;
            TimeSpan every = ttl / 3;
            TimeSpan retry = TimeSpan.FromMilliseconds(250);
            TimeSpan margin = ttl / 10;
            DateTimeOffset renewed = time.GetUtcNow();
            TimeSpan wait = every;
            string? problem = null;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(wait, time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                TimeSpan left = renewed + ttl - margin - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    Lose($"not renewed for {(time.GetUtcNow() - renewed).TotalSeconds:0.0} s ({problem})");
                    return;
                }

                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(left < every ? left : every);
                    NatsResult<ulong> r = await _bucket.TryUpdateAsync(_key, _value, _revision, cancellationToken: timeout.Token).ConfigureAwait(false);
                    if (r.Success)
                    {
                        _revision = r.Value;
                        renewed = time.GetUtcNow();
                        wait = every;
                        continue;
                    }

                    if (r.Error is NatsKVWrongLastRevisionException or NatsKVCreateException)
                    {
                        Lose("another node holds it now");
                        return;
                    }

                    problem = r.Error.Message;
                }
                catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException && !_stop.IsCancellationRequested)
                {
                    problem = e.Message;
                }

                wait = retry;
            }
        }

        private void Lose(string why)
        {
            LogLost(_owner._logger, ReceiverId, _owner.Node, why);
            _lost.Cancel();
        }
    }

    [LoggerMessage(EventId = 1510, Level = LogLevel.Information, Message = "cluster: receiver {Receiver} is read by node {Owner}; node {Node} stands by to take it over")]
    private static partial void LogHeld(ILogger logger, string receiver, string owner, string node);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "cluster: node {Node} reads receiver {Receiver} now (before: {Before}; last sequence in the cluster {Sequence})")]
    private static partial void LogAcquired(ILogger logger, string receiver, string node, string before, long sequence);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Warning, Message = "cluster: node {Node} stops reading receiver {Receiver}: its lease is lost, {Why}")]
    private static partial void LogLost(ILogger logger, string receiver, string node, string why);

    [LoggerMessage(EventId = 1513, Level = LogLevel.Warning, Message = "cluster: node {Node} cannot take receiver {Receiver}'s lease: {Problem}; trying again")]
    private static partial void LogAcquireFailed(ILogger logger, string receiver, string node, string problem);
}
