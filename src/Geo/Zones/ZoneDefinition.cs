namespace BeidouHub.Geo.Zones;

/// <summary>How the vertices of a <see cref="ZoneDefinition"/> are given.</summary>
public enum ZoneCoordinates
{
    /// <summary>[longitude, latitude] in CGCS2000 degrees, GeoJSON order.</summary>
    Geodetic,

    /// <summary>[east, north] in park grid metres (see <see cref="ParkGrid"/>).</summary>
    Park,
}

/// <summary>
/// A zone (geofence) as configuration or GeoJSON gives it: one or more polygons, each a list of
/// rings (the first the outer boundary, the rest holes), each ring a list of positions.
/// Rings may be given closed (last position = first) or open.
/// </summary>
public sealed class ZoneDefinition
{
    /// <summary>Zone id reported in events; unique within a monitor.</summary>
    public string Id { get; set; } = "";

    /// <summary>Meaning of the positions.</summary>
    public ZoneCoordinates Coordinates { get; set; } = ZoneCoordinates.Geodetic;

    /// <summary>Polygons → rings → positions [x, y] (see <see cref="Coordinates"/>), the nesting of GeoJSON MultiPolygon.</summary>
    public IList<IList<IList<double[]>>> Polygons { get; init; } = new List<IList<IList<double[]>>>();

    /// <summary>Seconds a receiver must stay inside before a Dwell event; null uses <see cref="ZoneMonitorOptions.DwellSeconds"/>.</summary>
    public double? DwellSeconds { get; set; }
}

/// <summary>Hysteresis and dwell settings of a <see cref="ZoneMonitor"/>.</summary>
public sealed class ZoneMonitorOptions
{
    /// <summary>
    /// Distance hysteresis, metres: a receiver enters only when at least this far inside, and
    /// leaves only when at least this far outside; in between its state is kept. Pick it from
    /// the receivers' noise (a few times the horizontal sigma; RTK fixed: 0.1, single point: 3-5).
    /// </summary>
    public double MarginMetres { get; set; } = 2.0;

    /// <summary>Consecutive epochs beyond the margin needed to change state (1 = immediately).</summary>
    public int ConfirmEpochs { get; set; } = 2;

    /// <summary>Default seconds inside before a Dwell event; 0 or less disables dwell events.</summary>
    public double DwellSeconds { get; set; }
}

/// <summary>Kind of a zone event.</summary>
public enum ZoneEventKind
{
    /// <summary>The receiver entered the zone (confirmed beyond the hysteresis).</summary>
    Enter,

    /// <summary>The receiver left the zone (confirmed beyond the hysteresis).</summary>
    Exit,

    /// <summary>The receiver has stayed inside for the zone's dwell time; once per visit.</summary>
    Dwell,
}

/// <summary>A zone event.</summary>
/// <param name="Kind">Enter, Exit or Dwell.</param>
/// <param name="ReceiverId">The receiver's id.</param>
/// <param name="ZoneId">The zone's id.</param>
/// <param name="Time">Epoch time of the position that confirmed the event.</param>
/// <param name="Position">That position in the monitor's plane (park grid metres).</param>
public readonly record struct ZoneEvent(ZoneEventKind Kind, string ReceiverId, string ZoneId, DateTimeOffset Time, ParkPoint Position);

/// <summary>A zone's outline on the park plane: rings of x (east), y (north) pairs in metres, not closed.</summary>
public sealed class ZoneOutline
{
    private readonly ParkGrid _park;
    private readonly IGrid? _grid;

    internal ZoneOutline(string id, double dwellSeconds, IReadOnlyList<double[]> rings, ParkGrid park, IGrid? grid)
    {
        Id = id;
        DwellSeconds = dwellSeconds;
        Rings = rings;
        _park = park;
        _grid = grid;
    }

    /// <summary>The zone's id, as configured.</summary>
    public string Id { get; }

    /// <summary>Seconds inside before a Dwell event; 0 for none.</summary>
    public double DwellSeconds { get; }

    /// <summary>x, y pairs per ring, in park-plane metres.</summary>
    public IReadOnlyList<double[]> Rings { get; }

    /// <summary>
    /// The rings back on CGCS2000 as longitude, latitude pairs (the park grid's inverse, then the
    /// grid's); null when the monitor has no grid.
    /// </summary>
    public IReadOnlyList<double[]>? ToGeodetic()
    {
        if (_grid is null)
        {
            return null;
        }

        var result = new List<double[]>(Rings.Count);
        foreach (double[] ring in Rings)
        {
            var lonLat = new double[ring.Length];
            for (int i = 0; i + 1 < ring.Length; i += 2)
            {
                GeodeticPoint g = _grid.Inverse(_park.ToGrid(new ParkPoint(ring[i], ring[i + 1])));
                lonLat[i] = g.Longitude;
                lonLat[i + 1] = g.Latitude;
            }

            result.Add(lonLat);
        }

        return result;
    }
}
