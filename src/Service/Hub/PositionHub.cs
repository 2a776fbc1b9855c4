using System.Collections.Concurrent;
using System.Collections.Immutable;
using BeidouHub.Service.Integrity;

namespace BeidouHub.Service.Hub;

/// <summary>
/// The latest position of every receiver and the fan-out to subscribers. Publishing never waits:
/// each subscriber has its own bounded queue (<see cref="Subscription{T}"/>), so a slow subscriber
/// slows neither a receiver nor another subscriber. A position update with many subscribers is
/// offered to them on the thread pool after <see cref="Publish(PositionUpdate)"/> returns
/// (<see cref="PositionFanOut"/>); with few, before it returns.
/// </summary>
internal sealed class PositionHub
{
    private readonly ConcurrentDictionary<string, PositionUpdate> _latest = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly TimeSpan _hopelessAfter;
    private ImmutableArray<Subscription<PositionUpdate>> _positions = [];
    private ImmutableArray<Subscription<SkyUpdate>> _skies = [];
    private ImmutableArray<Subscription<ZoneUpdate>> _zones = [];
    private ImmutableArray<PositionFilter> _filters = [];
    private int _skyWatchers;
    private int _zoneWatchers;
    private ImmutableArray<Subscription<AlertUpdate>> _alerts = [];
    private readonly Dictionary<string, IntegrityAlert> _openAlerts = new(StringComparer.Ordinal);
    private readonly Lock _alertLock = new();
    private int _earlySubscribers;
    private volatile bool _clusterWantsEarly;
    private long _published;
    private volatile bool _running;
    private readonly PositionFanOut _fanOut = new();

    /// <summary>
    /// Position updates with this many subscribers or more are offered one subscriber at a time on
    /// the thread pool (<see cref="PositionFanOut"/>); fewer are offered by the publishing thread,
    /// before <see cref="Publish(PositionUpdate)"/> returns.
    /// </summary>
    internal const int InterleaveFrom = 16;

    public PositionHub(int capacity, TimeSpan hopelessAfter, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _hopelessAfter = hopelessAfter;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True while receivers run and publish (the health check's answer).</summary>
    public bool Running
    {
        get => _running;
        set => _running = value;
    }

    public TimeProvider Time => _time;

    /// <summary>True when some subscriber wants early positions (so they are worth computing), or the cluster might.</summary>
    public bool WantsEarly => _clusterWantsEarly || Volatile.Read(ref _earlySubscribers) > 0;

    /// <summary>
    /// Set by the cluster bridge: other nodes' subscribers may want this node's early positions
    /// (the node cannot tell, so while it is in a cluster they are always made).
    /// </summary>
    public bool ClusterWantsEarly
    {
        get => _clusterWantsEarly;
        set => _clusterWantsEarly = value;
    }

    /// <summary>
    /// Raised when a subscriber that takes remote updates comes or goes (the cluster bridge
    /// follows it with its NATS subscriptions). Runs on the subscribing or leaving thread.
    /// </summary>
    public event Action? InterestChanged;

    /// <summary>What this node's subscribers want from other nodes (see <see cref="HubInterest"/>).</summary>
    public HubInterest Interest()
    {
        bool all = false, allEarly = false;
        HashSet<string> complete = new(StringComparer.Ordinal);
        HashSet<string> early = new(StringComparer.Ordinal);
        foreach (PositionFilter f in _filters)
        {
            if (f.Receivers is null)
            {
                all |= !f.Early;
                allEarly |= f.Early;
            }
            else
            {
                (f.Early ? early : complete).UnionWith(f.Receivers);
            }
        }

        return new HubInterest(all, all ? [] : complete, allEarly, allEarly ? [] : early, Volatile.Read(ref _skyWatchers) > 0, Volatile.Read(ref _zoneWatchers) > 0);
    }

    public int SubscriberCount => _positions.Length + _skies.Length + _zones.Length + _alerts.Length;

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Every subscription now: its stream (positions, sky, zones, alerts), label and drops (read by the metrics at scrape time).</summary>
    public IEnumerable<(string Stream, string Label, long Dropped)> Subscriptions =>
        _positions.Select(s => ("positions", s.Label, s.DroppedTotal))
            .Concat(_skies.Select(s => ("sky", s.Label, s.DroppedTotal)))
            .Concat(_zones.Select(s => ("zones", s.Label, s.DroppedTotal)))
            .Concat(_alerts.Select(s => ("alerts", s.Label, s.DroppedTotal)));

    public long DroppedTotal => _positions.Sum(s => s.DroppedTotal) + _skies.Sum(s => s.DroppedTotal) + _zones.Sum(s => s.DroppedTotal) + _alerts.Sum(s => s.DroppedTotal);

    public void Publish(PositionUpdate update)
    {
        if (update.Complete)
        {
            _latest[update.ReceiverId] = update;
        }

        Interlocked.Increment(ref _published);
        ImmutableArray<Subscription<PositionUpdate>> to = _positions;
        if (to.IsEmpty)
        {
            return;
        }

        // Many subscribers: one at a time, so the first bytes leave early. While the fan-out still
        // has updates, every update goes through it, so none overtakes an earlier one.
        if (to.Length >= InterleaveFrom || _fanOut.Busy)
        {
            _fanOut.Publish(update, to);
            return;
        }

        foreach (Subscription<PositionUpdate> s in to)
        {
            s.Offer(update);
        }
    }

    public void Publish(SkyUpdate update)
    {
        foreach (Subscription<SkyUpdate> s in _skies)
        {
            s.Offer(update);
        }
    }

    public void Publish(ZoneUpdate update)
    {
        foreach (Subscription<ZoneUpdate> s in _zones)
        {
            s.Offer(update);
        }
    }

    /// <summary>
    /// An alert's start (no end) or end, from the integrity monitor: kept while open, so a new
    /// alert subscriber gets the open ones first. Under a lock with <see cref="SubscribeAlerts"/>
    /// (alerts are rare): a subscriber sees each alert's start before its end, and none twice.
    /// </summary>
    public void Publish(IntegrityAlert alert)
    {
        lock (_alertLock)
        {
            if (alert.End is null)
            {
                _openAlerts[alert.Id] = alert;
            }
            else
            {
                _openAlerts.Remove(alert.Id);
            }

            var update = new AlertUpdate(alert, Snapshot: false);
            foreach (Subscription<AlertUpdate> s in _alerts)
            {
                s.Offer(update);
            }
        }
    }

    /// <summary>The open alerts, oldest first.</summary>
    public IReadOnlyList<IntegrityAlert> OpenAlerts
    {
        get
        {
            lock (_alertLock)
            {
                return [.. _openAlerts.Values.OrderBy(a => a.Start).ThenBy(a => a.Id, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Subscribes to alerts; the open alerts the filter accepts come first, marked as a snapshot.</summary>
    public Subscription<AlertUpdate> SubscribeAlerts(Func<AlertUpdate, bool> accepts)
    {
        var sub = new Subscription<AlertUpdate>(_capacity, accepts, s => ImmutableInterlocked.Update(ref _alerts, (list, x) => list.Remove(x), s), _time, _hopelessAfter);
        lock (_alertLock)
        {
            foreach (IntegrityAlert open in _openAlerts.Values.OrderBy(a => a.Start).ThenBy(a => a.Id, StringComparer.Ordinal))
            {
                var update = new AlertUpdate(open, Snapshot: true);
                if (accepts(update))
                {
                    sub.Prime(update);
                }
            }

            ImmutableInterlocked.Update(ref _alerts, (list, s) => list.Add(s), sub);
        }

        return sub;
    }

    public bool TryGetLatest(string receiverId, out PositionUpdate? update) => _latest.TryGetValue(receiverId, out update);

    /// <summary>
    /// Another node's latest complete position (the cluster's latest-positions bucket) as this
    /// receiver's latest, unless the hub already holds a newer one; nothing is fanned out.
    /// </summary>
    public void SetLatest(PositionUpdate update)
    {
        _latest.AddOrUpdate(update.ReceiverId, update, (_, held) => held.Sequence >= update.Sequence ? held : update);
    }

    /// <summary>Forgets a receiver's latest position if it is <paramref name="update"/> (a remote receiver gone from the cluster).</summary>
    public void ForgetLatest(PositionUpdate update) => _latest.TryRemove(new KeyValuePair<string, PositionUpdate>(update.ReceiverId, update));

    public IEnumerable<PositionUpdate> Latest => _latest.Values.OrderBy(u => u.ReceiverId, StringComparer.Ordinal);

    /// <summary>Subscribes to positions; the latest complete position of every receiver the filter accepts comes first.</summary>
    public Subscription<PositionUpdate> SubscribePositions(PositionFilter filter)
    {
        var sub = new Subscription<PositionUpdate>(_capacity, filter.Accepts, Remove, _time, _hopelessAfter);
        foreach (PositionUpdate latest in Latest)
        {
            if (filter.AcceptsSnapshot(latest))
            {
                sub.Prime(latest);
            }
        }

        if (filter.Early)
        {
            Interlocked.Increment(ref _earlySubscribers);
        }

        ImmutableInterlocked.Update(ref _positions, (list, s) => list.Add(s), sub);
        if (!filter.LocalOnly)
        {
            ImmutableInterlocked.Update(ref _filters, (list, f) => list.Add(f), filter);
            InterestChanged?.Invoke();
        }

        return sub;

        void Remove(Subscription<PositionUpdate> s)
        {
            ImmutableInterlocked.Update(ref _positions, (list, x) => list.Remove(x), s);
            if (filter.Early)
            {
                Interlocked.Decrement(ref _earlySubscribers);
            }

            if (!filter.LocalOnly)
            {
                ImmutableInterlocked.Update(ref _filters, (list, f) => list.Remove(f), filter);
                InterestChanged?.Invoke();
            }
        }
    }

    /// <param name="localOnly">Only this node's receivers (the history writer, the cluster bridge):
    /// remote sky views are not offered and the subscriber asks the cluster for nothing.</param>
    public Subscription<SkyUpdate> SubscribeSky(Func<SkyUpdate, bool> accepts, bool localOnly = false)
    {
        Func<SkyUpdate, bool> offer = localOnly ? u => !u.Remote && accepts(u) : accepts;
        var sub = new Subscription<SkyUpdate>(_capacity, offer, s => Leave(ref _skies, s, localOnly, ref _skyWatchers), _time, _hopelessAfter);
        ImmutableInterlocked.Update(ref _skies, (list, s) => list.Add(s), sub);
        Join(localOnly, ref _skyWatchers);
        return sub;
    }

    /// <param name="localOnly">As for <see cref="SubscribeSky"/>.</param>
    public Subscription<ZoneUpdate> SubscribeZones(Func<ZoneUpdate, bool> accepts, bool localOnly = false)
    {
        Func<ZoneUpdate, bool> offer = localOnly ? u => !u.Remote && accepts(u) : accepts;
        var sub = new Subscription<ZoneUpdate>(_capacity, offer, s => Leave(ref _zones, s, localOnly, ref _zoneWatchers), _time, _hopelessAfter);
        ImmutableInterlocked.Update(ref _zones, (list, s) => list.Add(s), sub);
        Join(localOnly, ref _zoneWatchers);
        return sub;
    }

    private void Join(bool localOnly, ref int watchers)
    {
        if (!localOnly && Interlocked.Increment(ref watchers) == 1)
        {
            InterestChanged?.Invoke();
        }
    }

    private void Leave<T>(ref ImmutableArray<Subscription<T>> list, Subscription<T> sub, bool localOnly, ref int watchers)
        where T : class
    {
        ImmutableInterlocked.Update(ref list, (l, x) => l.Remove(x), sub);
        if (!localOnly && Interlocked.Decrement(ref watchers) == 0)
        {
            InterestChanged?.Invoke();
        }
    }

    /// <summary>Ends every stream (graceful shutdown).</summary>
    public void CompleteAll(Exception error)
    {
        _running = false;
        foreach (Subscription<PositionUpdate> s in _positions)
        {
            s.End(error);
        }

        foreach (Subscription<SkyUpdate> s in _skies)
        {
            s.End(error);
        }

        foreach (Subscription<ZoneUpdate> s in _zones)
        {
            s.End(error);
        }

        foreach (Subscription<AlertUpdate> s in _alerts)
        {
            s.End(error);
        }
    }
}

/// <summary>
/// A position subscriber's server-side filter: receivers, zones, minimum quality, delivery
/// (early or complete) and decimation by epoch time per receiver.
/// </summary>
internal sealed class PositionFilter
{
    private readonly HashSet<string>? _receivers;
    private readonly Func<string, bool>? _receiverScope;
    private readonly HashSet<string>? _zones;
    private readonly int _minRank;
    private readonly long _minIntervalTicks;
    private readonly ConcurrentDictionary<string, long> _lastSent = new(StringComparer.Ordinal);

    /// <param name="receiverScope">With no receivers named: the receivers the caller's
    /// application may see by pattern (<c>truck-*</c>), so those that appear later are included;
    /// null for every receiver. Exact-id scopes come as <paramref name="receivers"/> instead.</param>
    public PositionFilter(IEnumerable<string> receivers, IEnumerable<string> zones, int minRank, double maxRateHz, bool early, Func<string, bool>? receiverScope = null)
    {
        _receivers = receivers.Any() ? new HashSet<string>(receivers, StringComparer.Ordinal) : null;
        _receiverScope = _receivers is null ? receiverScope : null;
        _zones = zones.Any() ? new HashSet<string>(zones, StringComparer.Ordinal) : null;
        _minRank = minRank;
        _minIntervalTicks = maxRateHz > 0 ? (long)(TimeSpan.TicksPerSecond / maxRateHz) : 0;
        Early = early;
    }

    public bool Early { get; }

    /// <summary>
    /// Only this node's receivers (the history writer and the cluster bridge): remote updates are
    /// not offered, and the filter asks the cluster for nothing.
    /// </summary>
    public bool LocalOnly { get; init; }

    /// <summary>The receivers named (exact ids); null when the filter takes every receiver or a pattern.</summary>
    public IReadOnlySet<string>? Receivers => _receivers;

    /// <summary>For the live stream: the delivery kind must match.</summary>
    public bool Accepts(PositionUpdate u) => u.Complete != Early && AcceptsSnapshot(u) && Decimate(u);

    /// <summary>For the initial snapshot (always complete updates).</summary>
    public bool AcceptsSnapshot(PositionUpdate u) =>
        !(LocalOnly && u.Remote)
        && (_receivers is null ? _receiverScope is null || _receiverScope(u.ReceiverId) : _receivers.Contains(u.ReceiverId))
        && u.QualityRank >= _minRank
        && (_zones is null || u.Zones.Any(_zones.Contains));

    // At most one update per receiver per interval of epoch time (the receiver's own clock, so
    // decimation is exact in replays at any speed). Epochs without a time pass.
    private bool Decimate(PositionUpdate u)
    {
        if (_minIntervalTicks == 0 || u.Time is not { } time)
        {
            return true;
        }

        long t = time.Ticks;
        long last = _lastSent.GetOrAdd(u.ReceiverId, long.MinValue);
        if (last != long.MinValue && t - last < _minIntervalTicks && t >= last)
        {
            return false;
        }

        _lastSent[u.ReceiverId] = t;
        return true;
    }
}

/// <summary>
/// What a node's subscribers want from the other nodes of a cluster: complete and early positions
/// of every receiver or of named ones, sky views, zone events. Filters by pattern, zone or quality
/// ask for every receiver (NATS subjects match whole tokens, and the hub filters the rest).
/// </summary>
internal sealed record HubInterest(bool AllPositions, IReadOnlySet<string> Positions, bool AllEarly, IReadOnlySet<string> Early, bool Sky, bool Zones);
