using System.Collections.Concurrent;
using System.Collections.Immutable;
using BeidouHub.Service.Integrity;

namespace BeidouHub.Service.Hub;

/// <summary>
/// The latest position of every receiver and the fan-out to subscribers. Publishing never waits:
/// each subscriber has its own bounded queue (<see cref="Subscription{T}"/>), so a slow subscriber
/// slows neither a receiver nor another subscriber.
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
    private ImmutableArray<Subscription<AlertUpdate>> _alerts = [];
    private readonly Dictionary<string, IntegrityAlert> _openAlerts = new(StringComparer.Ordinal);
    private readonly Lock _alertLock = new();
    private int _earlySubscribers;
    private long _published;
    private volatile bool _running;

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

    /// <summary>True when some subscriber wants early positions (so they are worth computing).</summary>
    public bool WantsEarly => Volatile.Read(ref _earlySubscribers) > 0;

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
        foreach (Subscription<PositionUpdate> s in _positions)
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
        return sub;

        void Remove(Subscription<PositionUpdate> s)
        {
            ImmutableInterlocked.Update(ref _positions, (list, x) => list.Remove(x), s);
            if (filter.Early)
            {
                Interlocked.Decrement(ref _earlySubscribers);
            }
        }
    }

    public Subscription<SkyUpdate> SubscribeSky(Func<SkyUpdate, bool> accepts)
    {
        var sub = new Subscription<SkyUpdate>(_capacity, accepts, s => ImmutableInterlocked.Update(ref _skies, (list, x) => list.Remove(x), s), _time, _hopelessAfter);
        ImmutableInterlocked.Update(ref _skies, (list, s) => list.Add(s), sub);
        return sub;
    }

    public Subscription<ZoneUpdate> SubscribeZones(Func<ZoneUpdate, bool> accepts)
    {
        var sub = new Subscription<ZoneUpdate>(_capacity, accepts, s => ImmutableInterlocked.Update(ref _zones, (list, x) => list.Remove(x), s), _time, _hopelessAfter);
        ImmutableInterlocked.Update(ref _zones, (list, s) => list.Add(s), sub);
        return sub;
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

    /// <summary>For the live stream: the delivery kind must match.</summary>
    public bool Accepts(PositionUpdate u) => u.Complete != Early && AcceptsSnapshot(u) && Decimate(u);

    /// <summary>For the initial snapshot (always complete updates).</summary>
    public bool AcceptsSnapshot(PositionUpdate u) =>
        (_receivers is null ? _receiverScope is null || _receiverScope(u.ReceiverId) : _receivers.Contains(u.ReceiverId))
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
