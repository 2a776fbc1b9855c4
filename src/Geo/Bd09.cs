namespace BeidouHub.Geo;

/// <summary>
/// BD-09, Baidu Maps' datum: a further public transform on top of GCJ-02
/// (wandergis/coordtransform <c>gcj02tobd09</c>). Like coordtransform, the GCJ-02 to BD-09
/// step is applied everywhere; only the GCJ-02 step honours <see cref="Gcj02.IsOutsideChina"/>.
/// </summary>
public static class Bd09
{
    private const double XPi = Math.PI * 3000.0 / 180.0;

    /// <summary>GCJ-02 degrees to BD-09 degrees.</summary>
    public static GeodeticPoint FromGcj02(GeodeticPoint gcj02)
    {
        double x = gcj02.Longitude;
        double y = gcj02.Latitude;
        double z = Math.Sqrt((x * x) + (y * y)) + (0.00002 * Math.Sin(y * XPi));
        double theta = Math.Atan2(y, x) + (0.000003 * Math.Cos(x * XPi));
        return new GeodeticPoint((z * Math.Sin(theta)) + 0.006, (z * Math.Cos(theta)) + 0.0065);
    }

    /// <summary>
    /// BD-09 degrees to GCJ-02 degrees: the published one-step approximation refined by
    /// fixed-point iteration of <see cref="FromGcj02"/> until below 1e-11 degree.
    /// </summary>
    public static GeodeticPoint ToGcj02(GeodeticPoint bd09) => FixedPointInverse.Invert<ForwardTransform>(bd09, OneStepToGcj02(bd09));

    /// <summary>WGS 84 (CGCS2000) degrees to BD-09 degrees.</summary>
    public static GeodeticPoint FromWgs84(GeodeticPoint wgs84) => FromGcj02(Gcj02.FromWgs84(wgs84));

    /// <summary>BD-09 degrees to WGS 84 degrees (both inverses iterative).</summary>
    public static GeodeticPoint ToWgs84(GeodeticPoint bd09) => Gcj02.ToWgs84(ToGcj02(bd09));

    // coordtransform bd09togcj02: the approximate inverse, kept as the iteration's start.
    internal static GeodeticPoint OneStepToGcj02(GeodeticPoint bd09)
    {
        double x = bd09.Longitude - 0.0065;
        double y = bd09.Latitude - 0.006;
        double z = Math.Sqrt((x * x) + (y * y)) - (0.00002 * Math.Sin(y * XPi));
        double theta = Math.Atan2(y, x) - (0.000003 * Math.Cos(x * XPi));
        return new GeodeticPoint(z * Math.Sin(theta), z * Math.Cos(theta));
    }

    private readonly struct ForwardTransform : IForwardTransform
    {
        public static GeodeticPoint Forward(GeodeticPoint point) => FromGcj02(point);
    }
}
