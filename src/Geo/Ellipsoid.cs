namespace BeidouHub.Geo;

/// <summary>
/// A reference ellipsoid given by its semi-major axis (metres) and inverse flattening.
/// </summary>
/// <param name="SemiMajorAxis">Equatorial radius a, metres.</param>
/// <param name="InverseFlattening">1/f, dimensionless.</param>
public readonly record struct Ellipsoid(double SemiMajorAxis, double InverseFlattening)
{
    /// <summary>CGCS2000 (EPSG ellipsoid 1024): a = 6378137 m, 1/f = 298.257222101 (GRS 80's flattening).</summary>
    public static Ellipsoid Cgcs2000 { get; } = new(6378137.0, 298.257222101);

    /// <summary>WGS 84 (EPSG ellipsoid 7030): a = 6378137 m, 1/f = 298.257223563.</summary>
    public static Ellipsoid Wgs84 { get; } = new(6378137.0, 298.257223563);

    /// <summary>Flattening f = (a - b) / a.</summary>
    public double Flattening => 1.0 / InverseFlattening;

    /// <summary>First eccentricity squared e² = f (2 - f).</summary>
    public double EccentricitySquared => Flattening * (2.0 - Flattening);

    /// <summary>Semi-minor axis b = a (1 - f), metres.</summary>
    public double SemiMinorAxis => SemiMajorAxis * (1.0 - Flattening);
}
