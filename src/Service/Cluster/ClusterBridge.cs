using System.Collections.Concurrent;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Api;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using ProtoReceiverStatus = BeidouHub.Protocol.V1.ReceiverStatus;
using ProtoZoneEvent = BeidouHub.Protocol.V1.ZoneEvent;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// The hub's link to the other nodes. Out: this node's own epochs (a local-only hub subscriber
/// with its bounded queue, like any other) as the API's messages on NATS subjects, receiver
/// states, and each receiver's latest position into the cluster's bucket at most once per
/// <see cref="Configuration.ClusterConfig.LatestInterval"/>. In: what this node's subscribers
/// want of other nodes' receivers (their filters become subject subscriptions, followed as
/// subscribers come and go), published into the hub as remote updates, with any update of a
/// receiver that is not newer than the last one dropped (duplicates and stragglers of a
/// take-over); and the latest-positions bucket, watched, as the hub's latest of remote receivers.
/// </summary>
internal sealed partial class ClusterBridge : BackgroundService
{
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(5);
    private readonly ClusterNode _node;
    private readonly PositionHub _hub;
    private readonly ReceiverHost _receivers;
    private readonly RemoteReceivers _remote;
    private readonly ILogger<ClusterBridge> _logger;
    private readonly ConcurrentDictionary<string, long> _lastComplete = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastEarly = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastSky = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _latestWritten = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _interestChanged = new(0, 1);
    private long _published;
    private long _notPublished;
    private long _received;
    private long _duplicates;

    public ClusterBridge(ClusterNode node, PositionHub hub, ReceiverHost receivers, RemoteReceivers remote, ILogger<ClusterBridge> logger)
    {
        _node = node;
        _hub = hub;
        _receivers = receivers;
        _remote = remote;
        _logger = logger;

        // Other nodes' early subscribers cannot be seen from here: while in a cluster, early positions are always made.
        _hub.ClusterWantsEarly = true;
    }

    /// <summary>Messages this node published, and those it could not (NATS down or too slow).</summary>
    public long Published => Interlocked.Read(ref _published);

    public long NotPublished => Interlocked.Read(ref _notPublished);

    /// <summary>Updates from other nodes handed to the hub, and those dropped as not newer.</summary>
    public long Received => Interlocked.Read(ref _received);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before anything else: hosted services all exist before any starts, so the
        // receivers' first epochs find the bridge.
        using Subscription<PositionUpdate> complete = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: false) { LocalOnly = true });
        using Subscription<PositionUpdate> early = _hub.SubscribePositions(new PositionFilter([], [], 0, 0, early: true) { LocalOnly = true });
        using Subscription<SkyUpdate> sky = _hub.SubscribeSky(_ => true, localOnly: true);
        using Subscription<ZoneUpdate> zones = _hub.SubscribeZones(_ => true, localOnly: true);
        void OnInterest()
        {
            try
            {
                _interestChanged.Release();
            }
            catch (SemaphoreFullException)
            {
                // A change is pending already: the follower reads the whole interest anyway.
            }
        }

        _hub.InterestChanged += OnInterest;
        try
        {
            await Task.WhenAll(
                PumpAsync(complete, u => (_node.Subjects.Positions + ClusterSubjects.Token(u.ReceiverId), ProtoMapping.ToProto(u, ClusterMapping.Full, 0)), stoppingToken),
                PumpAsync(early, u => (_node.Subjects.Early + ClusterSubjects.Token(u.ReceiverId), ProtoMapping.ToProto(u, ClusterMapping.Full, 0)), stoppingToken),
                PumpAsync(sky, u => (_node.Subjects.Sky + ClusterSubjects.Token(u.ReceiverId), ProtoMapping.ToProto(u, 0)), stoppingToken),
                PumpAsync(zones, u => (_node.Subjects.Zones + ClusterSubjects.Token(u.Event.ZoneId), ProtoMapping.ToProto(u, 0)), stoppingToken),
                FollowInterestAsync(stoppingToken),
                WatchLatestAsync(stoppingToken),
                WriteLatestAsync(stoppingToken),
                PublishStatesAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        finally
        {
            _hub.InterestChanged -= OnInterest;
        }
    }

    // One kind of this node's updates onto NATS. Publishing only writes into the connection's
    // buffer; while NATS is unreachable the updates are counted as not published, never queued.
    private async Task PumpAsync<T, TMessage>(Subscription<T> sub, Func<T, (string Subject, TMessage Message)> map, CancellationToken stoppingToken)
        where T : class
        where TMessage : class, Google.Protobuf.IMessage<TMessage>, new()
    {
        try
        {
            await PumpUntilEndedAsync(sub, map, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (sub.EndReason is Api.ShutdownException || stoppingToken.IsCancellationRequested)
        {
            // The hub ends every subscription at shutdown.
        }
    }

    private async Task PumpUntilEndedAsync<T, TMessage>(Subscription<T> sub, Func<T, (string Subject, TMessage Message)> map, CancellationToken stoppingToken)
        where T : class
        where TMessage : class, Google.Protobuf.IMessage<TMessage>, new()
    {
        await foreach (T update in sub.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!_node.Connected)
            {
                Interlocked.Increment(ref _notPublished);
                continue;
            }

            (string subject, TMessage message) = map(update);
            try
            {
                await _node.Nats.PublishAsync(subject, message, serializer: ProtoSerializer<TMessage>.Instance, cancellationToken: stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _published);
            }
            catch (NatsException)
            {
                Interlocked.Increment(ref _notPublished);
            }
        }
    }

    // The subjects this node's subscribers want, re-subscribed whenever a subscriber comes or goes.
    private async Task FollowInterestAsync(CancellationToken stoppingToken)
    {
        var held = new Dictionary<string, (CancellationTokenSource Stop, Task Reading)>(StringComparer.Ordinal);
        try
        {
            // Other nodes' receiver states: always (ListReceivers shows every receiver of the cluster).
            Follow(_node.Subjects.Receivers + ">", ReadStatesAsync);
            while (true)
            {
                HubInterest want = _hub.Interest();
                var subjects = new Dictionary<string, Func<string, CancellationToken, Task>>(StringComparer.Ordinal)
                {
                    [_node.Subjects.Receivers + ">"] = ReadStatesAsync,
                };
                AddPositions(subjects, want.AllPositions, want.Positions, _node.Subjects.Positions, (s, c) => ReadPositionsAsync(s, _lastComplete, c));
                AddPositions(subjects, want.AllEarly, want.Early, _node.Subjects.Early, (s, c) => ReadPositionsAsync(s, _lastEarly, c));
                if (want.Sky)
                {
                    subjects[_node.Subjects.Sky + ">"] = ReadSkyAsync;
                }

                if (want.Zones)
                {
                    subjects[_node.Subjects.Zones + ">"] = ReadZonesAsync;
                }

                foreach (string gone in held.Keys.Where(s => !subjects.ContainsKey(s)).ToList())
                {
                    await held[gone].Stop.CancelAsync().ConfigureAwait(false);
                    held[gone].Stop.Dispose();
                    held.Remove(gone);
                }

                foreach ((string subject, Func<string, CancellationToken, Task> read) in subjects)
                {
                    Follow(subject, read);
                }

                await _interestChanged.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach ((CancellationTokenSource stop, Task _) in held.Values)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                stop.Dispose();
            }
        }

        void Follow(string subject, Func<string, CancellationToken, Task> read)
        {
            if (!held.ContainsKey(subject))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                held[subject] = (stop, Task.Run(() => read(subject, stop.Token), CancellationToken.None));
            }
        }

        static void AddPositions(Dictionary<string, Func<string, CancellationToken, Task>> subjects, bool all, IReadOnlySet<string> ids, string prefix, Func<string, CancellationToken, Task> read)
        {
            if (all)
            {
                subjects[prefix + ">"] = read;
                return;
            }

            foreach (string id in ids)
            {
                subjects[prefix + ClusterSubjects.Token(id)] = read;
            }
        }
    }

    private async Task ReadPositionsAsync(string subject, ConcurrentDictionary<string, long> last, CancellationToken cancel)
    {
        try
        {
            await foreach (NatsMsg<Position> msg in _node.Nats.SubscribeAsync(subject, serializer: ProtoSerializer<Position>.Instance, cancellationToken: cancel).ConfigureAwait(false))
            {
                if (msg.Data is not { } p || _receivers.ReadsHere(p.ReceiverId))
                {
                    continue;
                }

                if (!Newer(last, p.ReceiverId, (long)p.Sequence))
                {
                    Interlocked.Increment(ref _duplicates);
                    continue;
                }

                Interlocked.Increment(ref _received);
                _hub.Publish(ClusterMapping.ToUpdate(p));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Unsubscribed.
        }
    }

    private async Task ReadSkyAsync(string subject, CancellationToken cancel)
    {
        try
        {
            await foreach (NatsMsg<SkyView> msg in _node.Nats.SubscribeAsync(subject, serializer: ProtoSerializer<SkyView>.Instance, cancellationToken: cancel).ConfigureAwait(false))
            {
                if (msg.Data is { } s && !_receivers.ReadsHere(s.ReceiverId) && Newer(_lastSky, s.ReceiverId, (long)s.Sequence))
                {
                    _hub.Publish(ClusterMapping.ToUpdate(s));
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Unsubscribed.
        }
    }

    private async Task ReadZonesAsync(string subject, CancellationToken cancel)
    {
        try
        {
            await foreach (NatsMsg<ProtoZoneEvent> msg in _node.Nats.SubscribeAsync(subject, serializer: ProtoSerializer<ProtoZoneEvent>.Instance, cancellationToken: cancel).ConfigureAwait(false))
            {
                if (msg.Data is { } e && !_receivers.ReadsHere(e.ReceiverId))
                {
                    _hub.Publish(ClusterMapping.ToUpdate(e));
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Unsubscribed.
        }
    }

    private async Task ReadStatesAsync(string subject, CancellationToken cancel)
    {
        try
        {
            await foreach (NatsMsg<ProtoReceiverStatus> msg in _node.Nats.SubscribeAsync(subject, serializer: ProtoSerializer<ProtoReceiverStatus>.Instance, cancellationToken: cancel).ConfigureAwait(false))
            {
                if (msg.Data is { } s && !_receivers.ReadsHere(s.Id))
                {
                    _remote.Update(s);
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Unsubscribed.
        }
    }

    // Per receiver: only an update newer than the last one passes (atomic: two subscriptions of
    // the same subject may deliver one message twice while the interest changes).
    private static bool Newer(ConcurrentDictionary<string, long> last, string receiver, long sequence)
    {
        while (true)
        {
            if (!last.TryGetValue(receiver, out long seen))
            {
                if (last.TryAdd(receiver, sequence))
                {
                    return true;
                }

                continue;
            }

            if (sequence <= seen)
            {
                return false;
            }

            if (last.TryUpdate(receiver, sequence, seen))
            {
                return true;
            }
        }
    }

    // The cluster's latest positions into this hub's latest table (GetLatestPositions, a new
    // subscriber's first message), for the receivers other nodes read.
    private async Task WatchLatestAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                INatsKVStore latest = await _node.LatestAsync(stoppingToken).ConfigureAwait(false);
                await foreach (NatsKVEntry<Position> entry in latest.WatchAsync(">", serializer: ProtoSerializer<Position>.Instance, cancellationToken: stoppingToken).ConfigureAwait(false))
                {
                    if (entry.Operation == NatsKVOperation.Put && entry.Value is { } p && !_receivers.ReadsHere(p.ReceiverId))
                    {
                        _hub.SetLatest(ClusterMapping.ToUpdate(p));
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is NatsException or TimeoutException)
            {
                LogWatchFailed(_logger, _node.Node, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), _node.Time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    // This node's receivers' latest complete positions into the bucket, each at most once per
    // interval, all of a round in flight together.
    private async Task WriteLatestAsync(CancellationToken stoppingToken)
    {
        INatsKVStore latest = await _node.LatestAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_node.Config.LatestInterval, _node.Time);
        var puts = new List<Task>();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            puts.Clear();
            foreach (PositionUpdate u in _hub.Latest)
            {
                if (u.Remote || !_receivers.ReadsHere(u.ReceiverId) || (_latestWritten.TryGetValue(u.ReceiverId, out long written) && written >= u.Sequence))
                {
                    continue;
                }

                _latestWritten[u.ReceiverId] = u.Sequence;
                puts.Add(latest.PutAsync(ClusterSubjects.Token(u.ReceiverId), ProtoMapping.ToProto(u, ClusterMapping.Full, 0), ProtoSerializer<Position>.Instance, stoppingToken).AsTask());
            }

            try
            {
                await Task.WhenAll(puts).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is NatsException or TimeoutException)
            {
                // Written again next round (the receivers not stored are forgotten as written).
                _latestWritten.Clear();
                LogLatestFailed(_logger, _node.Node, e.Message);
            }
        }
    }

    // This node's receivers' states: at each change, and all of them every few seconds (a node
    // that joins later learns them, and ListReceivers elsewhere shows when a node went quiet).
    private async Task PublishStatesAsync(CancellationToken stoppingToken)
    {
        var changed = System.Threading.Channels.Channel.CreateBounded<Receiver.Workers.ReceiverWorker>(new System.Threading.Channels.BoundedChannelOptions(1024) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });
        void OnChange(Receiver.Workers.ReceiverWorker w) => changed.Writer.TryWrite(w);
        _receivers.StateChanged += OnChange;
        try
        {
            using var timer = new PeriodicTimer(StatusEvery, _node.Time);
            Task<bool> tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            while (true)
            {
                Task<bool> change = changed.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(change, tick).ConfigureAwait(false) == tick)
                {
                    await tick.ConfigureAwait(false);
                    foreach (Receiver.Workers.ReceiverWorker w in _receivers.Workers)
                    {
                        await PublishStateAsync(w, stoppingToken).ConfigureAwait(false);
                    }

                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                    continue;
                }

                await change.ConfigureAwait(false);
                while (changed.Reader.TryRead(out Receiver.Workers.ReceiverWorker? w))
                {
                    await PublishStateAsync(w, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _receivers.StateChanged -= OnChange;
        }
    }

    private async Task PublishStateAsync(Receiver.Workers.ReceiverWorker w, CancellationToken stoppingToken)
    {
        if (!_receivers.ReadsHere(w.Id) || !_node.Connected)
        {
            return;
        }

        ProtoReceiverStatus status = ProtoMapping.ToProto(w.Snapshot());
        status.Node = _node.Node;
        try
        {
            await _node.Nats.PublishAsync(_node.Subjects.Receivers + ClusterSubjects.Token(w.Id), status, serializer: ProtoSerializer<ProtoReceiverStatus>.Instance, cancellationToken: stoppingToken).ConfigureAwait(false);
        }
        catch (NatsException)
        {
            Interlocked.Increment(ref _notPublished);
        }
    }

    [LoggerMessage(EventId = 1520, Level = LogLevel.Warning, Message = "cluster: node {Node} cannot watch the latest-positions bucket: {Problem}; watching again")]
    private static partial void LogWatchFailed(ILogger logger, string node, string problem);

    [LoggerMessage(EventId = 1521, Level = LogLevel.Warning, Message = "cluster: node {Node} cannot store its receivers' latest positions: {Problem}; trying again next round")]
    private static partial void LogLatestFailed(ILogger logger, string node, string problem);
}

/// <summary>The states of the receivers other nodes read, as they last said (ListReceivers, WatchReceivers).</summary>
internal sealed class RemoteReceivers
{
    public RemoteReceivers(string? node)
    {
        Node = node;
    }

    /// <summary>This node's id in the cluster; null when the service runs alone.</summary>
    public string? Node { get; }

    private readonly ConcurrentDictionary<string, ProtoReceiverStatus> _states = new(StringComparer.Ordinal);

    public void Update(ProtoReceiverStatus status) => _states[status.Id] = status;

    public bool TryGet(string id, out ProtoReceiverStatus? status) => _states.TryGetValue(id, out status);

    public IEnumerable<ProtoReceiverStatus> All => _states.Values.OrderBy(s => s.Id, StringComparer.Ordinal);
}
