using BeidouHub.Geo;

namespace BeidouHub.Simulator;

/// <summary>
/// A circular Keplerian orbit: radius, inclination, right ascension of the ascending node and
/// argument of latitude at J2000, mean motion. Enough for a plausible sky (satellites rise, set,
/// GEOs hang still); not an ephemeris, so the simulated sky is not the real sky of that date.
/// Earth rotation by GMST (IAU 1982 linear term, UT1 taken as UTC).
/// </summary>
internal readonly record struct CircularOrbit(double RadiusM, double InclinationDeg, double RaanDeg, double ArgumentOfLatitudeDeg, double MeanMotionDegPerDay)
{
    /// <summary>GM of the Earth, m^3/s^2 (WGS 84; BDS's CGCS2000 value is the same to 9 digits).</summary>
    public const double EarthGm = 3.986004418e14;

    /// <summary>Earth rotation in degrees per day of UT (GMST rate), also the mean motion of GEO and IGSO satellites.</summary>
    public const double SiderealDegPerDay = 360.98564736629;

    /// <summary>GMST at J2000.0 (2000-01-01T12:00 UT), degrees.</summary>
    public const double GmstAtJ2000Deg = 280.46061837;

    public static readonly DateTime J2000 = new(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>An orbit of radius <paramref name="radiusM"/> with the mean motion Kepler's third law gives it.</summary>
    public static CircularOrbit Kepler(double radiusM, double inclinationDeg, double raanDeg, double argumentOfLatitudeDeg)
    {
        double n = Math.Sqrt(EarthGm / (radiusM * radiusM * radiusM)) * 180 / Math.PI * 86400;
        return new CircularOrbit(radiusM, inclinationDeg, raanDeg, argumentOfLatitudeDeg, n);
    }

    /// <summary>
    /// A geosynchronous orbit (period one sidereal day) whose ground track crosses the equator
    /// northbound at <paramref name="nodeLongitudeDeg"/> when its argument of latitude is zero;
    /// <paramref name="phaseDeg"/> shifts the satellite along that track. Inclination 0 is a GEO
    /// fixed over <paramref name="nodeLongitudeDeg"/> + <paramref name="phaseDeg"/>.
    /// </summary>
    public static CircularOrbit Geosynchronous(double nodeLongitudeDeg, double inclinationDeg, double phaseDeg)
    {
        double radius = Math.Cbrt(EarthGm / Math.Pow(SiderealDegPerDay * Math.PI / 180 / 86400, 2));

        // Node longitude = RAAN - GMST(t_node), and u(t_node) = 0: RAAN = L + GMST0 - u0.
        double u0 = phaseDeg;
        double raan = inclinationDeg == 0 ? 0 : nodeLongitudeDeg + GmstAtJ2000Deg - u0;
        if (inclinationDeg == 0)
        {
            // Equatorial: longitude = u - GMST, constant when u turns at the sidereal rate.
            u0 = nodeLongitudeDeg + phaseDeg + GmstAtJ2000Deg;
        }

        return new CircularOrbit(radius, inclinationDeg, raan, u0, SiderealDegPerDay);
    }

    /// <summary>ECEF position in metres at <paramref name="utc"/>.</summary>
    public EcefPoint EcefAt(DateTime utc)
    {
        double days = (utc - J2000).Ticks / (double)TimeSpan.TicksPerDay;
        double u = Radians(ArgumentOfLatitudeDeg + (MeanMotionDegPerDay * days));
        double gmst = Radians(GmstAtJ2000Deg + (SiderealDegPerDay * days));
        double raan = Radians(RaanDeg);
        double inc = Radians(InclinationDeg);
        double xo = RadiusM * Math.Cos(u), yo = RadiusM * Math.Sin(u);
        double ci = Math.Cos(inc);
        double x = (xo * Math.Cos(raan)) - (yo * ci * Math.Sin(raan));
        double y = (xo * Math.Sin(raan)) + (yo * ci * Math.Cos(raan));
        double z = yo * Math.Sin(inc);
        double cg = Math.Cos(gmst), sg = Math.Sin(gmst);
        return new EcefPoint((x * cg) + (y * sg), (-x * sg) + (y * cg), z);
    }

    // Reduce before converting: the angles grow by ~10^6 degrees over the years since J2000.
    private static double Radians(double deg) => (deg % 360.0) * Math.PI / 180;
}
