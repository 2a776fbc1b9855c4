namespace BeidouHub.Geo;

/// <summary>
/// GCJ-02, the obfuscated datum Chinese web maps (AMap/Gaode, Tencent) require by law. The
/// forward transform is the public algorithm as in wandergis/coordtransform <c>src/index.ts</c>
/// and googollee/eviltransform (Krasovsky a = 6378245 m, ee = 0.00669342162296594323).
/// Its input is WGS 84; BeidouHub feeds CGCS2000 positions unchanged (see README: they agree
/// to centimetres/decimetres, far below GCJ-02's hundreds of metres of offset).
/// </summary>
public static class Gcj02
{
    private const double A = 6378245.0;
    private const double Ee = 0.00669342162296594323;
    private const double Sin35 = 0.573576436351046096108; // sin 35 degrees
    private const double Cos35 = 0.819152044288991789684; // cos 35 degrees

    /// <summary>
    /// True when the point gets no GCJ-02 offset. The box is coordtransform's
    /// (longitude 73.66..135.05 E, latitude 3.86..53.55 N), the rule used by the most common
    /// implementation (wandergis/coordtransform and its ports), so positions agree with the
    /// maps' own SDK conversions. It is a rectangle, so it includes parts of neighbouring
    /// countries; eviltransform's wider box (72.004..137.8347 E, 0.8293..55.8271 N) differs
    /// only outside China's territory.
    /// </summary>
    public static bool IsOutsideChina(double latitudeDeg, double longitudeDeg) =>
        !(longitudeDeg >= 73.66 && longitudeDeg <= 135.05 && latitudeDeg >= 3.86 && latitudeDeg <= 53.55);

    /// <summary>WGS 84 (CGCS2000) degrees to GCJ-02 degrees; unchanged outside China (<see cref="IsOutsideChina"/>).</summary>
    public static GeodeticPoint FromWgs84(GeodeticPoint wgs84)
    {
        if (IsOutsideChina(wgs84.Latitude, wgs84.Longitude))
        {
            return wgs84;
        }

        Offset(wgs84.Latitude, wgs84.Longitude, out double dLat, out double dLon);
        return new GeodeticPoint(wgs84.Latitude + dLat, wgs84.Longitude + dLon);
    }

    /// <summary>
    /// GCJ-02 degrees to WGS 84 degrees by fixed-point iteration of the forward transform
    /// (converges by a factor of about 100 per step; stops below 1e-11 degree, about 1 µm),
    /// not the 1-2 m one-step inverse. Unchanged outside China.
    /// </summary>
    public static GeodeticPoint ToWgs84(GeodeticPoint gcj02)
    {
        if (IsOutsideChina(gcj02.Latitude, gcj02.Longitude))
        {
            return gcj02;
        }

        return FixedPointInverse.Invert<ForwardTransform>(gcj02, gcj02);
    }

    // coordtransform transformlat/transformlng and the Krasovsky scaling. All twelve sines and
    // cosines are of multiples of u = v π/180 (v = x or y): v π/60 = 3u, v π/30 = 6u,
    // v π/12 = 15u, v π/3 = 60u, v π = 180u, and 2x π, 6x π for the longitude term; the
    // latitude itself is y + 35 degrees. So x and y take one sin/cos each and the rest follows
    // by double-, triple- and sum-angle identities. Their rounding (a few 1e-14 absolute at the
    // top multiple) is that of the published 6·x·π argument itself: over China the result
    // stays within one ulp of the output (3e-14 degree) of coordtransform's formula.
    private static void Offset(double lat, double lon, out double dLat, out double dLon)
    {
        double x = lon - 105.0;
        double y = lat - 35.0;
        Sines(x, out double sinX30, out double sinX12, out double sinX3, out double sinX, out double cosX, out _, out _);
        Sines(y, out double sinY30, out double sinY12, out double sinY3, out double sinY, out _, out double sinU, out double cosU);
        double sin2X = 2 * sinX * cosX;
        double sin6X = sin2X * (3 - (4 * sin2X * sin2X));

        // coordtransform adds each pair of sine terms times 2/3; here they are summed first and
        // multiplied by 2/3 once (five divisions fewer), the 6xπ and 2xπ pair once for both.
        double sinesX = (20.0 * sin6X) + (20.0 * sin2X);
        double sqrtAbsX = Math.Sqrt(Math.Abs(x));
        double retLat = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * sqrtAbsX)
            + ((sinesX + (20.0 * sinY) + (40.0 * sinY3) + (160.0 * sinY12) + (320.0 * sinY30)) * (2.0 / 3.0));
        double retLon = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * sqrtAbsX)
            + ((sinesX + (20.0 * sinX) + (40.0 * sinX3) + (150.0 * sinX12) + (300.0 * sinX30)) * (2.0 / 3.0));

        double sinLat = (sinU * Cos35) + (cosU * Sin35);
        double cosLat = (cosU * Cos35) - (sinU * Sin35);
        double magic = 1 - (Ee * sinLat * sinLat);
        double sqrtMagic = Math.Sqrt(magic);
        dLat = retLat * (magic * sqrtMagic) * (180.0 / (A * (1 - Ee) * Math.PI));
        dLon = retLon * sqrtMagic / cosLat * (180.0 / (A * Math.PI));
    }

    // sin(v π/30), sin(v π/12), sin(v π/3), sin(v π), cos(v π), sin(v π/180), cos(v π/180)
    // from sin and cos of u = v π/180.
    private static void Sines(double v, out double sin6U, out double sin15U, out double sin60U, out double sin180U, out double cos180U,
        out double sinU, out double cosU)
    {
        // Inside the box |x| <= 31.34 and |y| <= 31.14 degrees: |u| <= 0.547 rad.
        (sinU, cosU) = Trig.SinCosQuarterPi(v * (Math.PI / 180.0));
        double sin3U = sinU * (3 - (4 * sinU * sinU));
        double cos3U = cosU * ((4 * cosU * cosU) - 3);
        sin6U = 2 * sin3U * cos3U;
        double cos6U = (cos3U - sin3U) * (cos3U + sin3U);
        double sin12U = 2 * sin6U * cos6U;
        double cos12U = (cos6U - sin6U) * (cos6U + sin6U);
        sin15U = (sin12U * cos3U) + (cos12U * sin3U);
        double cos15U = (cos12U * cos3U) - (sin12U * sin3U);
        double sin30U = 2 * sin15U * cos15U;
        double cos30U = (cos15U - sin15U) * (cos15U + sin15U);
        sin60U = 2 * sin30U * cos30U;
        double cos60U = (cos30U - sin30U) * (cos30U + sin30U);
        sin180U = sin60U * (3 - (4 * sin60U * sin60U));
        cos180U = cos60U * ((4 * cos60U * cos60U) - 3);
    }

    private readonly struct ForwardTransform : IForwardTransform
    {
        public static GeodeticPoint Forward(GeodeticPoint point) => FromWgs84(point);
    }
}
