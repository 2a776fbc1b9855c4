namespace BeidouHub.Geo;

/// <summary>A forward transform of geodetic degrees, for <see cref="FixedPointInverse"/>.</summary>
internal interface IForwardTransform
{
    static abstract GeodeticPoint Forward(GeodeticPoint point);
}

/// <summary>
/// Inverts an offset transform (GCJ-02, BD-09) by fixed-point iteration: x ← x − (F(x) − target).
/// The offsets change slowly, so each step gains about a factor of 100; stopping below 1e-11
/// degree (about 1 µm) takes 2-4 steps, far better than the 1-2 m one-step inverse.
/// Generic over a struct so the forward call is direct: no delegate, no allocation.
/// </summary>
internal static class FixedPointInverse
{
    private const double Tolerance = 1e-11;
    private const int MaxIterations = 20;

    public static GeodeticPoint Invert<T>(GeodeticPoint target, GeodeticPoint start)
        where T : IForwardTransform
    {
        double lat = start.Latitude;
        double lon = start.Longitude;
        for (int i = 0; i < MaxIterations; i++)
        {
            GeodeticPoint forward = T.Forward(new GeodeticPoint(lat, lon));
            double eLat = forward.Latitude - target.Latitude;
            double eLon = forward.Longitude - target.Longitude;
            lat -= eLat;
            lon -= eLon;
            if (Math.Abs(eLat) < Tolerance && Math.Abs(eLon) < Tolerance)
            {
                break;
            }
        }

        return new GeodeticPoint(lat, lon);
    }
}
