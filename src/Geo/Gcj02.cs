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

    private static void Offset(double lat, double lon, out double dLat, out double dLon)
    {
        double x = lon - 105.0;
        double y = lat - 35.0;
        dLat = TransformLat(x, y);
        dLon = TransformLon(x, y);
        double radLat = lat / 180.0 * Math.PI;
        double magic = Math.Sin(radLat);
        magic = 1 - (Ee * magic * magic);
        double sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
    }

    private static double TransformLat(double x, double y)
    {
        double ret = -100.0 + (2.0 * x) + (3.0 * y) + (0.2 * y * y) + (0.1 * x * y) + (0.2 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(y * Math.PI)) + (40.0 * Math.Sin(y / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((160.0 * Math.Sin(y / 12.0 * Math.PI)) + (320 * Math.Sin(y * Math.PI / 30.0))) * 2.0 / 3.0;
        return ret;
    }

    private static double TransformLon(double x, double y)
    {
        double ret = 300.0 + x + (2.0 * y) + (0.1 * x * x) + (0.1 * x * y) + (0.1 * Math.Sqrt(Math.Abs(x)));
        ret += ((20.0 * Math.Sin(6.0 * x * Math.PI)) + (20.0 * Math.Sin(2.0 * x * Math.PI))) * 2.0 / 3.0;
        ret += ((20.0 * Math.Sin(x * Math.PI)) + (40.0 * Math.Sin(x / 3.0 * Math.PI))) * 2.0 / 3.0;
        ret += ((150.0 * Math.Sin(x / 12.0 * Math.PI)) + (300.0 * Math.Sin(x / 30.0 * Math.PI))) * 2.0 / 3.0;
        return ret;
    }

    private readonly struct ForwardTransform : IForwardTransform
    {
        public static GeodeticPoint Forward(GeodeticPoint point) => FromWgs84(point);
    }
}
