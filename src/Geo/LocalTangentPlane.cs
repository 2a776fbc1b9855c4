namespace BeidouHub.Geo;

/// <summary>Earth-centred, earth-fixed Cartesian coordinates, metres.</summary>
/// <param name="X">Towards 0 N 0 E, metres.</param>
/// <param name="Y">Towards 0 N 90 E, metres.</param>
/// <param name="Z">Towards the north pole, metres.</param>
public readonly record struct EcefPoint(double X, double Y, double Z);

/// <summary>Local east-north-up coordinates relative to a reference point, metres.</summary>
/// <param name="East">Metres east.</param>
/// <param name="North">Metres north.</param>
/// <param name="Up">Metres up along the ellipsoid normal of the reference point.</param>
public readonly record struct EnuPoint(double East, double North, double Up)
{
    /// <summary>Distance from the reference point, metres.</summary>
    public double Range => Math.Sqrt((East * East) + (North * North) + (Up * Up));

    /// <summary>Angle above the reference point's horizon (the plane normal to its ellipsoid normal), degrees, -90..90.</summary>
    public double ElevationDeg => Math.Atan2(Up, Math.Sqrt((East * East) + (North * North))) * (180.0 / Math.PI);

    /// <summary>Direction clockwise from (geodetic) north, degrees, 0..360 (meaningless straight up or down).</summary>
    public double AzimuthDeg
    {
        get
        {
            double azimuth = Math.Atan2(East, North) * (180.0 / Math.PI);
            return azimuth < 0 ? azimuth + 360.0 : azimuth;
        }
    }

    /// <summary>The unit vector of this direction (a line of sight), dimensionless; the zero vector stays zero.</summary>
    public EnuPoint Direction()
    {
        double range = Range;
        return range == 0 ? this : new EnuPoint(East / range, North / range, Up / range);
    }
}

/// <summary>
/// Local tangent plane (ENU) at a reference point: geodetic -> ECEF -> ENU rotation, as PROJ's
/// <c>+proj=cart</c> followed by <c>+proj=topocentric</c>. Heights are ellipsoidal (not MSL).
/// </summary>
public sealed class LocalTangentPlane
{
    private readonly Ellipsoid _ellipsoid;
    private readonly EcefPoint _origin;
    private readonly double _sinLat;
    private readonly double _cosLat;
    private readonly double _sinLon;
    private readonly double _cosLon;

    /// <summary>Frame at the given reference point (degrees, ellipsoidal height in metres), CGCS2000 unless given.</summary>
    public LocalTangentPlane(double latitudeDeg, double longitudeDeg, double ellipsoidalHeight, Ellipsoid? ellipsoid = null)
    {
        _ellipsoid = ellipsoid ?? Ellipsoid.Cgcs2000;
        _origin = ToEcef(latitudeDeg, longitudeDeg, ellipsoidalHeight, _ellipsoid);
        double lat = latitudeDeg * (Math.PI / 180.0);
        double lon = longitudeDeg * (Math.PI / 180.0);
        _sinLat = Math.Sin(lat);
        _cosLat = Math.Cos(lat);
        _sinLon = Math.Sin(lon);
        _cosLon = Math.Cos(lon);
    }

    /// <summary>ENU of a geodetic point (degrees, ellipsoidal height in metres).</summary>
    public EnuPoint ToEnu(double latitudeDeg, double longitudeDeg, double ellipsoidalHeight) =>
        ToEnu(ToEcef(latitudeDeg, longitudeDeg, ellipsoidalHeight, _ellipsoid));

    /// <summary>
    /// ENU of an ECEF point (a satellite, metres): the vector from the reference point to it. Its
    /// <see cref="EnuPoint.ElevationDeg"/> and <see cref="EnuPoint.AzimuthDeg"/> are the point's look
    /// angles from the reference point, its <see cref="EnuPoint.Direction"/> the line of sight.
    /// </summary>
    public EnuPoint ToEnu(EcefPoint p)
    {
        double dx = p.X - _origin.X;
        double dy = p.Y - _origin.Y;
        double dz = p.Z - _origin.Z;
        return new EnuPoint(
            East: (-_sinLon * dx) + (_cosLon * dy),
            North: (-_sinLat * _cosLon * dx) - (_sinLat * _sinLon * dy) + (_cosLat * dz),
            Up: (_cosLat * _cosLon * dx) + (_cosLat * _sinLon * dy) + (_sinLat * dz));
    }

    /// <summary>ECEF of a geodetic point (degrees, ellipsoidal height in metres).</summary>
    public static EcefPoint ToEcef(double latitudeDeg, double longitudeDeg, double ellipsoidalHeight, Ellipsoid ellipsoid)
    {
        double lat = latitudeDeg * (Math.PI / 180.0);
        double lon = longitudeDeg * (Math.PI / 180.0);
        double sinLat = Math.Sin(lat);
        double cosLat = Math.Cos(lat);
        double e2 = ellipsoid.EccentricitySquared;
        double n = ellipsoid.SemiMajorAxis / Math.Sqrt(1 - (e2 * sinLat * sinLat)); // prime vertical radius
        return new EcefPoint(
            (n + ellipsoidalHeight) * cosLat * Math.Cos(lon),
            (n + ellipsoidalHeight) * cosLat * Math.Sin(lon),
            ((n * (1 - e2)) + ellipsoidalHeight) * sinLat);
    }
}
