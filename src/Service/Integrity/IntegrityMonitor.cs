using System.Globalization;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Integrity;

/// <summary>
/// Turns receivers' complete positions into alerts. Each receiver has one condition per symptom
/// (RTK fixed lost, stale corrections, position jump, accuracy, C/N0 collapse, satellite-count
/// collapse, time jump, reference drift), debounced on the epochs' own times: it is raised when the
/// symptom has lasted its confirm time (a jump at once) and ends when it has been gone its clear
/// time. A raised condition waits <see cref="IntegrityConfig.ParkWindow"/> for the park decision:
/// when the same symptom family is raised at <see cref="IntegrityConfig.ParkMinReceivers"/> (and
/// <see cref="IntegrityConfig.ParkMinFraction"/>) of the receivers, one park alert (jamming,
/// spoofing, corrections outage, park accuracy) is raised instead, and every symptom of its
/// receivers, also later ones, is folded into it until all have ended. Not thread-safe: one
/// caller (the <see cref="IntegrityService"/>'s drain) calls <see cref="Observe"/>.
/// </summary>
internal sealed class IntegrityMonitor
{
    // The receivers "heard lately" for the park's share, and the time constant of the C/N0 and
    // satellite-count baselines (long enough that a collapse does not drag them along, short
    // enough to follow satellites rising and setting).
    private static readonly TimeSpan HeardWithin = TimeSpan.FromMinutes(1);
    private const double BaselineSeconds = 60;
    private const int KindCount = (int)AlertKind.ReferenceDrift + 1;

    // The strongest evidence first: a jammer also takes RTK away, so when C/N0 and RTK fall together
    // at many receivers the park alert is jamming, with the lost RTK folded into it, not a
    // corrections outage.
    private static readonly AlertKind[] PlacementOrder =
    [
        AlertKind.PositionJump, AlertKind.TimeJump, AlertKind.ReferenceDrift, AlertKind.Cn0Collapse, AlertKind.SatelliteCollapse,
        AlertKind.Accuracy, AlertKind.RtkFixedLost, AlertKind.CorrectionAge,
    ];

    private readonly Action<IntegrityAlert> _raise;
    private readonly Dictionary<string, ReceiverState> _receivers = new(StringComparer.Ordinal);
    private volatile IntegrityConfig _config;
    private volatile Dictionary<string, ReferenceConfig> _references;
    private readonly List<ParkState> _parks = [];

    public IntegrityMonitor(IntegrityConfig config, Action<IntegrityAlert> raise)
    {
        _config = config;
        _raise = raise;
        _references = config.References.ToDictionary(r => r.Receiver, StringComparer.Ordinal);
    }

    /// <summary>
    /// The thresholds and references in force. Set on a configuration reload, from another thread
    /// than the one observing: the next epochs are judged on the new values, the conditions and
    /// alerts already open carry on under them.
    /// </summary>
    public IntegrityConfig Config
    {
        get => _config;
        set
        {
            _references = value.References.ToDictionary(r => r.Receiver, StringComparer.Ordinal);
            _config = value;
        }
    }

    /// <summary>Epochs observed (complete, with a UTC time).</summary>
    public long Observed { get; private set; }

    /// <summary>Alerts raised so far (start events).</summary>
    public long Raised { get; private set; }

    public void Observe(PositionUpdate u)
    {
        if (!u.Complete || u.Time is not { } t)
        {
            return; // without a date there is no time line to judge on
        }

        Observed++;
        if (!_receivers.TryGetValue(u.ReceiverId, out ReceiverState? r))
        {
            r = new ReceiverState(u.ReceiverId);
            _receivers.Add(u.ReceiverId, r);
        }

        Judge(r, u, t);
        r.LastTime = t;
        r.LastPublished = u.PublishedAt;
        r.LastLatitude = u.Latitude;
        r.LastLongitude = u.Longitude;
        r.LastSpeed = u.SpeedMps;
        r.LastSigma = HorizontalSigma(u);

        foreach (AlertKind kind in PlacementOrder)
        {
            Condition c = r[kind];
            if (c.Active && c.Alert is null && c.Park is null)
            {
                Place(r, c, t);
            }
        }
    }

    private void Judge(ReceiverState r, PositionUpdate u, DateTime t)
    {
        IntegrityConfig k = _config;

        // Time jump: the receiver's clock against the service's. The offset (service time minus
        // epoch time) is the transport's latency plus any step of the receiver's clock; its floor
        // (the least offset lately, rising 10 ms a second so a slower link is learnt) is the pure
        // latency. An offset below the floor by more than the limit is a step ahead (latency cannot
        // be negative); one above it is a step back only when it lasts (a stalled link delivers late
        // for a moment, then catches up), and so is time that does not move forward at all.
        bool timeJump = false;
        double dtEpoch = 0, dtWall = 0;
        double offset = (u.PublishedAt.UtcDateTime - t).TotalSeconds;
        if (r.LastTime is { } last && r.OffsetFloor is { } floor)
        {
            dtEpoch = (t - last).TotalSeconds;
            dtWall = (u.PublishedAt - r.LastPublished).TotalSeconds;
            floor += 0.01 * Math.Max(dtWall, 0);
            double step = offset - floor;
            if (dtEpoch <= 0 || step < -k.TimeJumpSeconds)
            {
                timeJump = true;
                step = dtEpoch <= 0 ? dtEpoch - dtWall : -step;
            }
            else if (step > k.TimeJumpSeconds)
            {
                r.LateSince ??= u.PublishedAt;
                if (u.PublishedAt - r.LateSince.Value >= k.ConfirmAfter)
                {
                    timeJump = true;
                    step = -step;
                }
            }
            else
            {
                r.LateSince = null;
            }

            if (timeJump)
            {
                r[AlertKind.TimeJump].Detail = Invariant($"receiver time stepped {step:+0.0;-0.0} s against the service's clock");
                r.LateSince = null;
                floor = offset; // the receiver's new time is the reference from here on
            }

            r.OffsetFloor = Math.Min(floor, offset);
        }
        else
        {
            r.OffsetFloor = offset;
        }

        Update(r[AlertKind.TimeJump], timeJump, t, TimeSpan.Zero, k.JumpHold);

        // Position jump: farther than the speed, an acceleration and the sigmas allow.
        bool jump = false;
        if (r.LastTime is not null && u.Latitude is { } lat && u.Longitude is { } lon && r.LastLatitude is { } lat0 && r.LastLongitude is { } lon0)
        {
            double dt = timeJump || dtEpoch <= 0 ? Math.Max(dtWall, 0) : dtEpoch;
            double d = Distance(lat0, lon0, lat, lon);
            double v = Math.Max(u.SpeedMps ?? 0, r.LastSpeed ?? 0);
            double allowed = (v * dt) + (0.5 * k.MaxAccelerationMps2 * dt * dt) + (k.JumpSigmas * (HorizontalSigma(u) + r.LastSigma)) + k.JumpMarginMetres;
            jump = d > allowed;
            if (jump)
            {
                r[AlertKind.PositionJump].Detail = Invariant($"position jumped {d:0.#} m in {dt:0.0#} s (at most {allowed:0.#} m at {v:0.#} m/s)");
            }
        }

        Update(r[AlertKind.PositionJump], jump, t, TimeSpan.Zero, k.JumpHold);

        // RTK fixed lost: only for a receiver that has had it.
        r.EverFixed |= u.Rtk == RtkState.Fixed;
        Condition rtk = r[AlertKind.RtkFixedLost];
        if (r.EverFixed && u.Rtk != RtkState.Fixed && !rtk.Raw)
        {
            rtk.Detail = Invariant($"RTK fixed lost (now {(u.Rtk == RtkState.Float ? "float" : u.Latitude is null ? "no fix" : "without RTK")})");
        }

        Update(rtk, r.EverFixed && u.Rtk != RtkState.Fixed, t, k.RtkLostAfter, k.RtkRegainedAfter);

        // Stale corrections: an epoch without an age keeps what the last one said.
        Condition age = r[AlertKind.CorrectionAge];
        bool stale = u.DiffAge is { } a ? a > k.MaxCorrectionAgeSeconds : age.Raw;
        if (stale && u.DiffAge is { } shown && !age.Active)
        {
            age.Detail = Invariant($"corrections {shown:0.#} s old (limit {k.MaxCorrectionAgeSeconds:0.#} s)");
        }

        Update(age, stale, t, k.ConfirmAfter, k.ConfirmAfter);

        // Accuracy, with hysteresis: back under 80 % of the limit to count as good.
        Condition accuracy = r[AlertKind.Accuracy];
        double sigma = HorizontalSigma(u);
        if (u.SigmaLatitude is not null && u.SigmaLongitude is not null)
        {
            bool bad = sigma > (accuracy.Active ? 0.8 : 1) * k.MaxHorizontalSigmaMetres;
            if (bad && !accuracy.Active)
            {
                accuracy.Detail = Invariant($"horizontal sigma {sigma:0.0#} m (limit {k.MaxHorizontalSigmaMetres:0.#} m)");
            }

            Update(accuracy, bad, t, k.ConfirmAfter, k.ClearAfter);
        }

        // Satellite-count collapse against the receiver's own recent count.
        Condition sats = r[AlertKind.SatelliteCollapse];
        int used = 0;
        foreach (int n in u.UsedPerConstellation)
        {
            used += n;
        }

        if (r.UsedBaseline is { } baseline && baseline >= 6)
        {
            bool fell = used < baseline * (1 - (sats.Active ? k.SatelliteDropFraction * 0.6 : k.SatelliteDropFraction));
            if (fell && !sats.Active)
            {
                sats.Detail = Invariant($"satellites used fell from {baseline:0} to {used}");
            }

            Update(sats, fell, t, k.ConfirmAfter, k.ClearAfter);
        }

        if (!sats.Raw && !sats.Active)
        {
            r.UsedBaseline = Smooth(r.UsedBaseline, used, dtEpoch);
        }

        if (u.Satellites.Length > 0)
        {
            JudgeCn0(r, u.Satellites, t);
        }

        if (_references.TryGetValue(r.Id, out ReferenceConfig? reference) && u.Latitude is { } rl && u.Longitude is { } ro)
        {
            Condition drift = r[AlertKind.ReferenceDrift];
            double d = Distance(reference.Latitude, reference.Longitude, rl, ro);
            // Beyond what its own accuracy explains: while a reference starts up (autonomous, float) its
            // metre-level sigma hides a centimetre drift, and a spoofer's hundreds of metres still show.
            bool away = d > ((drift.Active ? 0.8 : 1) * reference.MaxDriftMetres) + (3 * sigma);
            if (away && !drift.Active)
            {
                drift.Detail = Invariant($"{d:0.00#} m from its surveyed position (limit {reference.MaxDriftMetres:0.00#} m)");
            }

            Update(drift, away, t, k.ConfirmAfter, k.ClearAfter);
        }
    }

    // C/N0 collapse: satellites well above the horizon whose C/N0 fell far below their own recent
    // level, or that were lost, on many satellites at once. The baselines learn only while there is
    // no collapse, so a jammer is not learnt as the new normal.
    private void JudgeCn0(ReceiverState r, SkySatellite[] sky, DateTime t)
    {
        IntegrityConfig k = _config;
        Condition cn0 = r[AlertKind.Cn0Collapse];
        double dt = r.LastSky is { } lastSky ? (t - lastSky).TotalSeconds : 0;
        r.LastSky = t;
        int compared = 0, dropped = 0;
        foreach (SkySatellite s in sky)
        {
            if (s.Elevation is not { } el || el < k.Cn0MinElevationDeg)
            {
                continue;
            }

            var key = new SignalKey(s.Id, s.Signal);
            if (r.Cn0.TryGetValue(key, out Cn0Baseline b) && b.Samples >= 3)
            {
                compared++;
                if (s.Cn0 is not { } c || c < b.Level - k.Cn0DropDb)
                {
                    dropped++;
                }
            }
        }

        bool collapsed = cn0.Active
            ? dropped >= Math.Max(2, k.Cn0MinSatellites / 2) && dropped >= k.Cn0MinFraction * 0.5 * compared
            : dropped >= k.Cn0MinSatellites && dropped >= k.Cn0MinFraction * compared;
        if (collapsed && !cn0.Active)
        {
            cn0.Detail = Invariant($"C/N0 fell {k.Cn0DropDb:0.#} dB or more on {dropped} of {compared} satellites");
        }

        Update(cn0, collapsed, t, k.ConfirmAfter, k.ClearAfter);
        if (cn0.Raw || cn0.Active)
        {
            return;
        }

        foreach (SkySatellite s in sky)
        {
            if (s.Cn0 is { } c && s.Elevation is { } el && el >= k.Cn0MinElevationDeg)
            {
                var key = new SignalKey(s.Id, s.Signal);
                r.Cn0.TryGetValue(key, out Cn0Baseline b);
                r.Cn0[key] = new Cn0Baseline(b.Samples == 0 ? c : Smooth(b.Level, c, dt), b.Samples + 1);
            }
        }
    }

    // Debounce: raised when the symptom has held raiseAfter; ends when it has been gone clearAfter.
    private void Update(Condition c, bool raw, DateTime t, TimeSpan raiseAfter, TimeSpan clearAfter)
    {
        if (raw != c.Raw || c.RunStart == default)
        {
            c.Raw = raw;
            c.RunStart = t;
        }

        if (!c.Active && raw && t - c.RunStart >= raiseAfter)
        {
            c.Active = true;
            c.Onset = c.RunStart;
        }
        else if (c.Active && !raw && t - c.RunStart >= clearAfter)
        {
            c.Active = false;
            End(c, c.RunStart);
        }
    }

    // A raised condition: into the park alert its receiver is in, or one of its family; a new park
    // alert when enough receivers have it; on its own once the park window has passed.
    private void Place(ReceiverState r, Condition c, DateTime t)
    {
        AlertKind family = c.Kind.ParkKind();
        ParkState? park = r.Park ?? _parks.Find(p => p.Kind == family);
        if (park is not null)
        {
            Fold(park, r, c);
            return;
        }

        var candidates = new List<ReceiverState>();
        foreach (ReceiverState other in _receivers.Values)
        {
            // A receiver whose stronger evidence (C/N0 for RTK lost) is still being confirmed waits for it.
            if (other.Park is null && Array.Exists(other.Conditions, x => x.Active && x.Alert is null && x.Kind.ParkKind() == family)
                && !Array.Exists(other.Conditions, x => x.Raw && !x.Active && x.Kind.ParkKind() < family))
            {
                candidates.Add(other);
            }
        }

        int heard = _receivers.Values.Count(x => x.LastTime is { } last && t - last <= HeardWithin);
        if (candidates.Count >= _config.ParkMinReceivers && candidates.Count >= _config.ParkMinFraction * heard)
        {
            candidates.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
            DateTime start = candidates.Min(x => x.Conditions.Where(y => y.Active && y.Alert is null && y.Kind.ParkKind() == family).Min(y => y.Onset));
            park = new ParkState(family, start);
            _parks.Add(park);
            foreach (ReceiverState x in candidates)
            {
                park.Receivers.Add(x.Id);
            }

            string kinds = string.Join(", ", candidates.SelectMany(x => x.Conditions).Where(y => y.Active && y.Alert is null && y.Kind.ParkKind() == family).Select(y => y.Kind.Name()).Distinct());
            park.Alert = new IntegrityAlert(
                Id(family, "park", start), family, family.Severity(), ParkWide: true, start, End: null, [.. park.Receivers],
                Invariant($"park: {family.Describe()} at {candidates.Count} of {heard} receivers at once ({kinds})"));
            Raised++;
            _raise(park.Alert);
            foreach (ReceiverState x in candidates)
            {
                x.Park = park;
                foreach (Condition y in x.Conditions)
                {
                    if (y.Active && y.Alert is null && y.Park is null)
                    {
                        Fold(park, x, y);
                    }
                }
            }

            return;
        }

        if (t - c.Onset >= _config.ParkWindow)
        {
            c.Alert = new IntegrityAlert(Id(c.Kind, r.Id, c.Onset), c.Kind, c.Kind.Severity(), ParkWide: false, c.Onset, End: null, [r.Id], $"{r.Id}: {c.Detail}");
            Raised++;
            _raise(c.Alert);
        }
    }

    private static void Fold(ParkState park, ReceiverState r, Condition c)
    {
        c.Park = park;
        r.Park = park;
        park.Receivers.Add(r.Id);
        park.Active++;
    }

    private void End(Condition c, DateTime end)
    {
        if (c.Alert is { } alert)
        {
            c.Alert = null;
            _raise(alert with { End = end, Message = alert.Message + "; ended" });
        }
        else if (c.Park is { } park)
        {
            c.Park = null;
            park.Active--;
            park.LastEnd = end > park.LastEnd ? end : park.LastEnd;
            if (park.Active == 0)
            {
                // Every symptom of its receivers is gone: the park alert ends, with all that joined.
                _parks.Remove(park);
                foreach (string id in park.Receivers)
                {
                    _receivers[id].Park = null;
                }

                IntegrityAlert open = park.Alert!;
                _raise(open with
                {
                    End = park.LastEnd,
                    Receivers = [.. park.Receivers.Order(StringComparer.Ordinal)],
                    Message = open.Message + Invariant($"; ended, {park.Receivers.Count} receivers in all"),
                });
            }
        }
    }

    private static string Id(AlertKind kind, string subject, DateTime start) =>
        Invariant($"{kind.Name()}/{subject}/{start:yyyyMMdd'T'HHmmss.fff'Z'}");

    private static double HorizontalSigma(PositionUpdate u) =>
        u.SigmaLatitude is { } a && u.SigmaLongitude is { } b ? Math.Sqrt((a * a) + (b * b)) : 0;

    private static double Smooth(double? level, double value, double dtSeconds) =>
        level is not { } l ? value : l + ((1 - Math.Exp(-Math.Max(dtSeconds, 0) / BaselineSeconds)) * (value - l));

    // On the CGCS2000 ellipsoid's local radii: metres at park distances (km), exact enough.
    private static double Distance(double lat0, double lon0, double lat1, double lon1)
    {
        (double mN, double mE) = Ellipsoid.Cgcs2000.MetresPerDegree((lat0 + lat1) / 2);
        double dn = (lat1 - lat0) * mN, de = (lon1 - lon0) * mE;
        return Math.Sqrt((dn * dn) + (de * de));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct SignalKey(SatelliteId Id, byte? Signal);

    private readonly record struct Cn0Baseline(double Level, int Samples);

    private sealed class Condition(AlertKind kind)
    {
        public AlertKind Kind { get; } = kind;

        public bool Raw { get; set; }

        public DateTime RunStart { get; set; }

        public bool Active { get; set; }

        public DateTime Onset { get; set; }

        public string Detail { get; set; } = kind.Name();

        public IntegrityAlert? Alert { get; set; }

        public ParkState? Park { get; set; }
    }

    private sealed class ReceiverState(string id)
    {
        public string Id { get; } = id;

        public Condition[] Conditions { get; } = [.. Enumerable.Range(0, KindCount).Select(i => new Condition((AlertKind)i))];

        public Condition this[AlertKind kind] => Conditions[(int)kind];

        public DateTime? LastTime { get; set; }

        public DateTimeOffset LastPublished { get; set; }

        public double? OffsetFloor { get; set; }

        public DateTimeOffset? LateSince { get; set; }

        public double? LastLatitude { get; set; }

        public double? LastLongitude { get; set; }

        public double? LastSpeed { get; set; }

        public double LastSigma { get; set; }

        public bool EverFixed { get; set; }

        public double? UsedBaseline { get; set; }

        public DateTime? LastSky { get; set; }

        public Dictionary<SignalKey, Cn0Baseline> Cn0 { get; } = [];

        public ParkState? Park { get; set; }
    }

    private sealed class ParkState(AlertKind kind, DateTime start)
    {
        public AlertKind Kind { get; } = kind;

        public DateTime Start { get; } = start;

        public SortedSet<string> Receivers { get; } = new(StringComparer.Ordinal);

        public int Active { get; set; }

        public DateTime LastEnd { get; set; } = start;

        public IntegrityAlert? Alert { get; set; }
    }
}
