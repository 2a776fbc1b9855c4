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

    /// <summary>
    /// Metres per degree of latitude (meridian radius of curvature M = a (1 - e²) / W³, times π/180)
    /// and of longitude (prime vertical radius N = a / W times cos φ, times π/180) at geodetic
    /// latitude <paramref name="latitudeDeg"/>, W = sqrt(1 - e² sin² φ): the scale of a local plane a
    /// few kilometres across (a park's routes), where the curvature of the ellipsoid is negligible.
    /// </summary>
    public (double North, double East) MetresPerDegree(double latitudeDeg)
    {
        double lat = latitudeDeg * (Math.PI / 180.0);
        double sinLat = Math.Sin(lat);
        double e2 = EccentricitySquared;
        double w = Math.Sqrt(1 - (e2 * sinLat * sinLat));
        double meridian = SemiMajorAxis * (1 - e2) / (w * w * w);
        double primeVertical = SemiMajorAxis / w;
        return (meridian * (Math.PI / 180.0), primeVertical * Math.Cos(lat) * (Math.PI / 180.0));
    }
}
