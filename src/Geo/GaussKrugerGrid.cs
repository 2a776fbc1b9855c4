using System.Diagnostics.CodeAnalysis;

namespace BeidouHub.Geo;

/// <summary>
/// Projects CGCS2000 geodetic coordinates to one CGCS2000 Gauss-Kruger grid (EPSG:4491-4554)
/// and back, by the hand-written Krüger series (<see cref="TransverseMercator"/>): the fast path
/// of <see cref="IGrid"/>. Thread-safe and allocation-free per point after construction.
/// </summary>
public sealed class GaussKrugerGrid : IGrid
{
    private readonly TransverseMercator _projection;

    private GaussKrugerGrid(GaussKrugerZone zone)
    {
        Zone = zone;
        _projection = new TransverseMercator(Ellipsoid.Cgcs2000, zone.CentralMeridian, 1.0, zone.FalseEasting, 0.0);
    }

    /// <summary>The zone (EPSG code, name, central meridian, false easting).</summary>
    public GaussKrugerZone Zone { get; }

    /// <summary>EPSG code of the grid.</summary>
    public int Epsg => Zone.Epsg;

    /// <summary>The EPSG name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E".</summary>
    public string Name => Zone.Name;

    int? IGrid.Epsg => Zone.Epsg;

    /// <summary>Grid for an EPSG code in 4491-4554.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is not a CGCS2000 Gauss-Kruger CRS.</exception>
    public static GaussKrugerGrid FromEpsg(int epsg) => new(GaussKrugerZone.FromEpsg(epsg));

    /// <summary>Grid for an EPSG code, or false and the reason (for configuration and command lines).</summary>
    public static bool TryFromEpsg(int epsg, [NotNullWhen(true)] out GaussKrugerGrid? grid, [NotNullWhen(false)] out string? error)
    {
        grid = GaussKrugerZone.TryFromEpsg(epsg, out GaussKrugerZone? zone, out error) ? new GaussKrugerGrid(zone) : null;
        return grid is not null;
    }

    /// <summary>Grid of the zone containing <paramref name="longitudeDeg"/> (see <see cref="GaussKrugerZone.ForLongitude"/>).</summary>
    public static GaussKrugerGrid ForLongitude(double longitudeDeg, GaussKrugerZoneWidth width = GaussKrugerZoneWidth.ThreeDegree, bool zonePrefix = false) =>
        new(GaussKrugerZone.ForLongitude(longitudeDeg, width, zonePrefix));

    /// <summary>
    /// CGCS2000 latitude/longitude (degrees) to grid northing/easting (metres). Returns NaNs
    /// beyond the projection's domain (more than about 80 degrees from the central meridian);
    /// accuracy degrades gracefully but stays sub-millimetre within a few degrees of the zone.
    /// </summary>
    public GridPoint Forward(double latitudeDeg, double longitudeDeg)
    {
        _projection.TryForward(latitudeDeg, longitudeDeg, out double northing, out double easting);
        return new GridPoint(northing, easting);
    }

    /// <summary>CGCS2000 geodetic point to grid.</summary>
    public GridPoint Forward(GeodeticPoint point) => Forward(point.Latitude, point.Longitude);

    /// <summary>Grid northing/easting (metres) to CGCS2000 latitude/longitude (degrees); NaNs outside the domain.</summary>
    public GeodeticPoint Inverse(GridPoint point)
    {
        _projection.TryInverse(point.Northing, point.Easting, out double lat, out double lon);
        return new GeodeticPoint(lat, lon);
    }

    /// <summary>Projects many points; <paramref name="destination"/> must be at least as long as <paramref name="source"/>.</summary>
    public void Forward(ReadOnlySpan<GeodeticPoint> source, Span<GridPoint> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Forward(source[i].Latitude, source[i].Longitude);
        }
    }

    /// <summary>Inverse-projects many points; <paramref name="destination"/> must be at least as long as <paramref name="source"/>.</summary>
    public void Inverse(ReadOnlySpan<GridPoint> source, Span<GeodeticPoint> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Inverse(source[i]);
        }
    }
}
