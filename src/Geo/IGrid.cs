namespace BeidouHub.Geo;

/// <summary>
/// A plane grid positions are projected into: CGCS2000 geodetic latitude/longitude to
/// northing/easting in metres and back. Two implementations: <see cref="GaussKrugerGrid"/>
/// (EPSG:4491-4554, hand-written, the fast path) and <see cref="WktGrid"/> (any projected CRS
/// given as WKT or as <see cref="LocalTransverseMercator"/> parameters, transformed by ProjNET).
/// Implementations are immutable and thread-safe after construction, and allocate nothing per point.
/// </summary>
public interface IGrid
{
    /// <summary>Name for logs and outputs: the EPSG name, or the WKT's PROJCS name.</summary>
    string Name { get; }

    /// <summary>The EPSG code when the grid is one; null for a city's or park's own grid.</summary>
    int? Epsg { get; }

    /// <summary>CGCS2000 latitude/longitude (degrees) to grid northing/easting (metres); NaNs outside the projection's domain.</summary>
    GridPoint Forward(double latitudeDeg, double longitudeDeg);

    /// <summary>Grid northing/easting (metres) to CGCS2000 latitude/longitude (degrees); NaNs outside the projection's domain.</summary>
    GeodeticPoint Inverse(GridPoint point);
}
