namespace BeidouHub.Simulator;

/// <summary>
/// Earth geometry for the simulator: WGS 84 / CGCS2000 ellipsoid (they differ by &lt; 0.11 mm,
/// DESIGN.md), geodetic to ECEF, and a satellite's elevation and azimuth from a receiver.
/// </summary>
internal static class Wgs84
{
    public const double A = 6378137.0;
    public const double F = 1.0 / 298.257223563;
    public const double E2 = F * (2 - F);

    /// <summary>Metres per degree of latitude / longitude near <paramref name="latDeg"/> (local plane for routes of a few km).</summary>
    public static (double North, double East) MetresPerDegree(double latDeg)
    {
        double phi = latDeg * Math.PI / 180;
        double s = Math.Sin(phi);
        double w = Math.Sqrt(1 - (E2 * s * s));
        double m = A * (1 - E2) / (w * w * w); // meridian radius of curvature
        double n = A / w;                      // prime vertical radius of curvature
        return (m * Math.PI / 180, n * Math.Cos(phi) * Math.PI / 180);
    }

    public static Vector3d ToEcef(double latDeg, double lonDeg, double heightM)
    {
        double phi = latDeg * Math.PI / 180, lam = lonDeg * Math.PI / 180;
        double s = Math.Sin(phi), c = Math.Cos(phi);
        double n = A / Math.Sqrt(1 - (E2 * s * s));
        return new Vector3d((n + heightM) * c * Math.Cos(lam), (n + heightM) * c * Math.Sin(lam), ((n * (1 - E2)) + heightM) * s);
    }

    /// <summary>Unit east/north/up components of the line of sight from the receiver to the satellite.</summary>
    public static Vector3d LineOfSightEnu(Vector3d receiver, double latDeg, double lonDeg, Vector3d satellite)
    {
        double phi = latDeg * Math.PI / 180, lam = lonDeg * Math.PI / 180;
        double sp = Math.Sin(phi), cp = Math.Cos(phi), sl = Math.Sin(lam), cl = Math.Cos(lam);
        Vector3d d = satellite - receiver;
        double e = (-sl * d.X) + (cl * d.Y);
        double n = (-sp * cl * d.X) - (sp * sl * d.Y) + (cp * d.Z);
        double u = (cp * cl * d.X) + (cp * sl * d.Y) + (sp * d.Z);
        double r = Math.Sqrt((e * e) + (n * n) + (u * u));
        return new Vector3d(e / r, n / r, u / r);
    }

    public static (double ElevationDeg, double AzimuthDeg) ElevationAzimuth(Vector3d enu)
    {
        double el = Math.Asin(Math.Clamp(enu.Z, -1, 1)) * 180 / Math.PI;
        double az = Math.Atan2(enu.X, enu.Y) * 180 / Math.PI;
        return (el, az < 0 ? az + 360 : az);
    }
}

/// <summary>A plain 3-vector of doubles (ECEF metres or ENU components).</summary>
internal readonly record struct Vector3d(double X, double Y, double Z)
{
    public static Vector3d operator -(Vector3d a, Vector3d b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
}
