using System.Globalization;

namespace BeidouHub.Geo.Zones;

/// <summary>
/// Evaluates receiver positions against zones in the park plane and reports Enter, Exit and
/// Dwell events. Per receiver and zone a two-state machine (outside/inside) changes state only
/// after <see cref="ZoneMonitorOptions.ConfirmEpochs"/> consecutive positions more than
/// <see cref="ZoneMonitorOptions.MarginMetres"/> beyond the boundary, so GNSS noise along a
/// boundary does not flap. Thread-safe; <c>Update</c> allocates nothing in steady state (a
/// small state object when a receiver first comes near a zone).
/// </summary>
public sealed class ZoneMonitor
{
    private readonly PlanarZone[] _zones;
    private readonly ZoneIndex _index;
    private readonly IGrid? _grid;
    private readonly ParkGrid _park;
    private readonly double _margin;
    private readonly int _confirm;
    private readonly Dictionary<string, ReceiverState> _receivers = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    /// <summary>Compiles the zones into the park plane.</summary>
    /// <param name="zones">Zone definitions; ids must be unique.</param>
    /// <param name="options">Hysteresis and dwell settings.</param>
    /// <param name="grid">The grid (Gauss-Kruger or the city's own); required when a zone or a position is geodetic.</param>
    /// <param name="park">Park grid; null evaluates in grid metres (<see cref="ParkGrid.Identity"/>).</param>
    /// <exception cref="ArgumentException">A zone is malformed; the message names it.</exception>
    public ZoneMonitor(IEnumerable<ZoneDefinition> zones, ZoneMonitorOptions options, IGrid? grid = null, ParkGrid? park = null)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.MarginMetres >= 0) || options.ConfirmEpochs < 1)
        {
            throw new ArgumentException("MarginMetres must be >= 0 and ConfirmEpochs >= 1.", nameof(options));
        }

        _grid = grid;
        _park = park ?? ParkGrid.Identity;
        _margin = options.MarginMetres;
        _confirm = options.ConfirmEpochs;
        var compiled = new List<PlanarZone>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (ZoneDefinition zone in zones)
        {
            if (string.IsNullOrEmpty(zone.Id) || !ids.Add(zone.Id))
            {
                throw new ArgumentException($"Zone id '{zone.Id}' is empty or not unique.", nameof(zones));
            }

            compiled.Add(Compile(zone, zone.DwellSeconds ?? options.DwellSeconds));
        }

        _zones = [.. compiled];
        _index = new ZoneIndex(_zones, _margin);
    }

    /// <summary>Number of zones.</summary>
    public int ZoneCount => _zones.Length;

    /// <summary>
    /// Every zone as it is evaluated: its rings on the park plane (the grid's metres when there is
    /// no park grid), for a map to draw; <see cref="ZoneOutline.ToGeodetic"/> for a map on latitude/longitude.
    /// </summary>
    public IReadOnlyList<ZoneOutline> Outlines => [.. _zones.Select(z => new ZoneOutline(z.Id, z.DwellSeconds, z.Rings, _park, _grid))];

    /// <summary>Feeds one CGCS2000 position; events are appended to <paramref name="events"/>.</summary>
    /// <exception cref="InvalidOperationException">The monitor was built without a grid.</exception>
    public void Update(string receiverId, DateTimeOffset time, GeodeticPoint position, ICollection<ZoneEvent> events)
    {
        if (_grid is null)
        {
            throw new InvalidOperationException("Geodetic positions need a grid; pass one to the ZoneMonitor constructor.");
        }

        Update(receiverId, time, _park.ToPark(_grid.Forward(position.Latitude, position.Longitude)), events);
    }

    /// <summary>Feeds one park-plane position; events are appended to <paramref name="events"/>.</summary>
    public void Update(string receiverId, DateTimeOffset time, ParkPoint position, ICollection<ZoneEvent> events)
    {
        ArgumentNullException.ThrowIfNull(receiverId);
        ArgumentNullException.ThrowIfNull(events);
        if (!double.IsFinite(position.East) || !double.IsFinite(position.North))
        {
            return; // no fix: keep every state as it is
        }

        lock (_sync)
        {
            if (!_receivers.TryGetValue(receiverId, out ReceiverState? receiver))
            {
                receiver = new ReceiverState(receiverId);
                _receivers.Add(receiverId, receiver);
            }

            receiver.Epoch++;
            foreach (int z in _index.Candidates(position.East, position.North))
            {
                ZoneClass cls = _zones[z].Classify(position.East, position.North, _margin);
                if (!receiver.Zones.TryGetValue(z, out ZoneState? state))
                {
                    if (cls != ZoneClass.Inside)
                    {
                        continue; // outside and never seen: nothing to track
                    }

                    state = new ZoneState();
                    receiver.Zones.Add(z, state);
                }

                state.Epoch = receiver.Epoch;
                Step(receiver, z, state, cls, time, position, events);
            }

            // Zones not among the candidates are more than the margin away: clearly outside.
            foreach (KeyValuePair<int, ZoneState> pair in receiver.Zones)
            {
                if (pair.Value.Epoch != receiver.Epoch)
                {
                    pair.Value.Epoch = receiver.Epoch;
                    Step(receiver, pair.Key, pair.Value, ZoneClass.Outside, time, position, events);
                }

                if (!pair.Value.Inside && pair.Value.Count == 0)
                {
                    receiver.Zones.Remove(pair.Key); // allowed while enumerating (.NET Core 3.0+)
                }
            }
        }
    }

    /// <summary>
    /// Adds to <paramref name="zoneIds"/> the zones the receiver is in (its confirmed state, the
    /// same that Enter/Exit events report), after its last <c>Update</c>.
    /// </summary>
    public void InsideZones(string receiverId, ICollection<string> zoneIds)
    {
        ArgumentNullException.ThrowIfNull(zoneIds);
        lock (_sync)
        {
            if (!_receivers.TryGetValue(receiverId, out ReceiverState? receiver))
            {
                return;
            }

            foreach (KeyValuePair<int, ZoneState> pair in receiver.Zones)
            {
                if (pair.Value.Inside)
                {
                    zoneIds.Add(_zones[pair.Key].Id);
                }
            }
        }
    }

    /// <summary>Forgets a receiver's states (no Exit events are produced).</summary>
    public void Remove(string receiverId)
    {
        lock (_sync)
        {
            _receivers.Remove(receiverId);
        }
    }

    private void Step(ReceiverState receiver, int zoneIndex, ZoneState state, ZoneClass cls, DateTimeOffset time, ParkPoint position, ICollection<ZoneEvent> events)
    {
        PlanarZone zone = _zones[zoneIndex];
        ZoneClass wanted = state.Inside ? ZoneClass.Outside : ZoneClass.Inside;
        state.Count = cls == wanted ? state.Count + 1 : 0;
        if (state.Count >= _confirm)
        {
            state.Count = 0;
            state.Inside = !state.Inside;
            state.Since = time;
            state.DwellReported = false;
            events.Add(new ZoneEvent(state.Inside ? ZoneEventKind.Enter : ZoneEventKind.Exit, receiver.Id, zone.Id, time, position));
        }

        if (state.Inside && !state.DwellReported && zone.DwellSeconds > 0 && (time - state.Since).TotalSeconds >= zone.DwellSeconds)
        {
            state.DwellReported = true;
            events.Add(new ZoneEvent(ZoneEventKind.Dwell, receiver.Id, zone.Id, time, position));
        }
    }

    private PlanarZone Compile(ZoneDefinition zone, double dwellSeconds)
    {
        if (zone.Coordinates == ZoneCoordinates.Geodetic && _grid is null)
        {
            throw new ArgumentException($"Zone '{zone.Id}' is geodetic but the monitor has no grid.", nameof(zone));
        }

        if (zone.Polygons is null || zone.Polygons.Count == 0)
        {
            throw new ArgumentException($"Zone '{zone.Id}' has no polygon.", nameof(zone));
        }

        var rings = new List<double[]>();
        foreach (IList<IList<double[]>> polygon in zone.Polygons)
        {
            if (polygon is null || polygon.Count == 0)
            {
                throw new ArgumentException($"Zone '{zone.Id}' has a polygon without rings.", nameof(zone));
            }

            foreach (IList<double[]> ring in polygon)
            {
                rings.Add(CompileRing(zone, ring));
            }
        }

        return new PlanarZone(zone.Id, dwellSeconds, rings);
    }

    // Vertices are projected one by one: a geodetic edge becomes a straight plane edge, which
    // differs from the projected curve by far less than a millimetre over a park's edge lengths.
    private double[] CompileRing(ZoneDefinition zone, IList<double[]> ring)
    {
        int count = ring?.Count ?? 0;
        if (count > 1 && ring![0].AsSpan().SequenceEqual(ring[count - 1]))
        {
            count--; // closed ring: drop the repeated first position
        }

        if (count < 3)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Zone '{zone.Id}' has a ring with {count} distinct positions; at least 3 are needed."), nameof(zone));
        }

        var result = new double[2 * count];
        for (int i = 0; i < count; i++)
        {
            double[] p = ring![i];
            if (p is null || p.Length < 2 || !double.IsFinite(p[0]) || !double.IsFinite(p[1]))
            {
                throw new ArgumentException($"Zone '{zone.Id}' has a position that is not two finite numbers.", nameof(zone));
            }

            ParkPoint q = zone.Coordinates == ZoneCoordinates.Park
                ? new ParkPoint(p[0], p[1])
                : _park.ToPark(_grid!.Forward(latitudeDeg: p[1], longitudeDeg: p[0]));
            result[2 * i] = q.East;
            result[(2 * i) + 1] = q.North;
        }

        return result;
    }

    private sealed class ReceiverState(string id)
    {
        public string Id { get; } = id;

        public long Epoch { get; set; }

        public Dictionary<int, ZoneState> Zones { get; } = [];
    }

    private sealed class ZoneState
    {
        public bool Inside { get; set; }

        public int Count { get; set; }

        public long Epoch { get; set; }

        public DateTimeOffset Since { get; set; }

        public bool DwellReported { get; set; }
    }
}
