namespace BeidouHub.Geo;

/// <summary>Result of an inverse geodesic problem.</summary>
/// <param name="DistanceMetres">Ellipsoidal (geodesic) distance, metres.</param>
/// <param name="InitialBearingDeg">Azimuth at the start, degrees clockwise from north, 0..360.</param>
/// <param name="FinalBearingDeg">Azimuth at the end (direction of travel), degrees clockwise from north, 0..360.</param>
public readonly record struct GeodesicInverse(double DistanceMetres, double InitialBearingDeg, double FinalBearingDeg);

/// <summary>
/// Ellipsoidal distance and bearing by Vincenty's inverse formula (Survey Review 23(176), 1975),
/// accurate to about 0.1 mm. Where Vincenty's iteration fails to converge (nearly antipodal
/// points), a fallback solves the same auxiliary-sphere equations for the start azimuth by
/// bracketing and bisection and keeps the shortest solution (the approach of Karney,
/// J. Geodesy 87, 2013, §4, with Vincenty's series).
/// </summary>
public static class Geodesic
{
    private const double Degree = Math.PI / 180.0;

    /// <summary>Inverse problem on the CGCS2000 ellipsoid.</summary>
    public static GeodesicInverse Inverse(GeodeticPoint from, GeodeticPoint to) => Inverse(from, to, Ellipsoid.Cgcs2000);

    /// <summary>Inverse problem on the given ellipsoid.</summary>
    public static GeodesicInverse Inverse(GeodeticPoint from, GeodeticPoint to, Ellipsoid ellipsoid)
    {
        double f = ellipsoid.Flattening;
        double a = ellipsoid.SemiMajorAxis;
        double b = ellipsoid.SemiMinorAxis;
        double lon12 = to.Longitude - from.Longitude;
        lon12 = Math.IEEERemainder(lon12, 360.0);
        double l = lon12 * Degree;

        double tanU1 = (1 - f) * Math.Tan(from.Latitude * Degree);
        double cosU1 = 1 / Math.Sqrt(1 + (tanU1 * tanU1));
        double sinU1 = tanU1 * cosU1;
        double tanU2 = (1 - f) * Math.Tan(to.Latitude * Degree);
        double cosU2 = 1 / Math.Sqrt(1 + (tanU2 * tanU2));
        double sinU2 = tanU2 * cosU2;

        double lambda = l;
        double sinLambda;
        double cosLambda;
        double sinSigma;
        double cosSigma;
        double sigma;
        double cosSqAlpha;
        double cos2SigmaM;
        int iterations = 0;
        bool converged = false;
        do
        {
            sinLambda = Math.Sin(lambda);
            cosLambda = Math.Cos(lambda);
            double t1 = cosU2 * sinLambda;
            double t2 = (cosU1 * sinU2) - (sinU1 * cosU2 * cosLambda);
            sinSigma = Math.Sqrt((t1 * t1) + (t2 * t2));
            if (sinSigma == 0)
            {
                return new GeodesicInverse(0, 0, 0); // coincident points
            }

            cosSigma = (sinU1 * sinU2) + (cosU1 * cosU2 * cosLambda);
            sigma = Math.Atan2(sinSigma, cosSigma);
            double sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
            cosSqAlpha = 1 - (sinAlpha * sinAlpha);
            cos2SigmaM = cosSqAlpha != 0 ? cosSigma - (2 * sinU1 * sinU2 / cosSqAlpha) : 0; // equatorial line
            double c = f / 16 * cosSqAlpha * (4 + (f * (4 - (3 * cosSqAlpha))));
            double previous = lambda;
            lambda = l + ((1 - c) * f * sinAlpha * (sigma + (c * sinSigma * (cos2SigmaM + (c * cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))))));
            if (Math.Abs(lambda - previous) < 1e-13)
            {
                converged = true;
                break;
            }
        }
        while (++iterations < 200 && Math.Abs(lambda) <= Math.PI);

        // Near the antipode the iteration can also settle on |lambda| > pi, which is no geodesic.
        if (!converged || Math.Abs(lambda) > Math.PI)
        {
            return NearlyAntipodal(from.Latitude, to.Latitude, lon12, ellipsoid);
        }

        double s = b * DistanceOnAuxiliarySphere(cosSqAlpha, a, b, sigma, sinSigma, cosSigma, cos2SigmaM);
        double alpha1 = Math.Atan2(cosU2 * sinLambda, (cosU1 * sinU2) - (sinU1 * cosU2 * cosLambda));
        double alpha2 = Math.Atan2(cosU1 * sinLambda, (-sinU1 * cosU2) + (cosU1 * sinU2 * cosLambda));
        return new GeodesicInverse(s, ToBearing(alpha1), ToBearing(alpha2));
    }

    // Vincenty's A (σ - Δσ), so that s = b A (σ - Δσ).
    private static double DistanceOnAuxiliarySphere(double cosSqAlpha, double a, double b, double sigma, double sinSigma, double cosSigma, double cos2SigmaM)
    {
        double uSq = cosSqAlpha * ((a * a) - (b * b)) / (b * b);
        double bigA = 1 + (uSq / 16384 * (4096 + (uSq * (-768 + (uSq * (320 - (175 * uSq)))))));
        double bigB = uSq / 1024 * (256 + (uSq * (-128 + (uSq * (74 - (47 * uSq))))));
        double deltaSigma = bigB * sinSigma * (cos2SigmaM + (bigB / 4 * ((cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))
            - (bigB / 6 * cos2SigmaM * (-3 + (4 * sinSigma * sinSigma)) * (-3 + (4 * cos2SigmaM * cos2SigmaM))))));
        return bigA * (sigma - deltaSigma);
    }

    private static double ToBearing(double radians)
    {
        double deg = radians / Degree;
        return deg < 0 ? deg + 360.0 : deg;
    }

    // Nearly antipodal points: iterate on the start azimuth instead of the longitude on the
    // auxiliary sphere. Canonical form (Karney 2013 §4): |lat1| >= |lat2|, lat1 <= 0, lon12 >= 0.
    private static GeodesicInverse NearlyAntipodal(double lat1, double lat2, double lon12, Ellipsoid ellipsoid)
    {
        bool swap = Math.Abs(lat1) < Math.Abs(lat2);
        if (swap)
        {
            (lat1, lat2) = (lat2, lat1);
            lon12 = -lon12;
        }

        double latSign = lat1 > 0 ? -1 : 1;
        lat1 *= latSign;
        lat2 *= latSign;
        double lonSign = lon12 < 0 ? -1 : 1;
        lon12 *= lonSign;

        double f = ellipsoid.Flattening;
        double beta1 = Math.Atan((1 - f) * Math.Tan(lat1 * Degree));
        double beta2 = Math.Atan((1 - f) * Math.Tan(lat2 * Degree));
        double target = lon12 * Degree;

        // Scan alpha1 over [0, pi] for sign changes of lambda(alpha1) - target, refine each by
        // bisection and keep the shortest geodesic.
        const int Steps = 720;
        double best = double.PositiveInfinity;
        double bestAlpha1 = 0;
        double bestAlpha2 = 0;
        double previousAlpha = 0;
        Evaluate(0, beta1, beta2, ellipsoid, out double previousLambda, out _, out _);
        for (int i = 1; i <= Steps; i++)
        {
            double alpha = Math.PI * i / Steps;
            Evaluate(alpha, beta1, beta2, ellipsoid, out double lambda, out _, out _);
            if ((previousLambda - target) * (lambda - target) <= 0)
            {
                double lo = previousAlpha;
                double hi = alpha;
                double loValue = previousLambda - target;
                for (int k = 0; k < 100 && hi - lo > 1e-16; k++)
                {
                    double mid = 0.5 * (lo + hi);
                    Evaluate(mid, beta1, beta2, ellipsoid, out double midLambda, out _, out _);
                    if ((loValue < 0) == (midLambda - target < 0))
                    {
                        lo = mid;
                        loValue = midLambda - target;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                // A sign change across a jump (where the nearest latitude crossing switches) is
                // no root: keep only solutions that really reach the target longitude.
                double root = 0.5 * (lo + hi);
                Evaluate(root, beta1, beta2, ellipsoid, out double rootLambda, out double s, out double alpha2);
                if (Math.Abs(rootLambda - target) < 1e-12 && s < best)
                {
                    best = s;
                    bestAlpha1 = root;
                    bestAlpha2 = alpha2;
                }
            }

            previousAlpha = alpha;
            previousLambda = lambda;
        }

        // Undo the canonicalisation: mirror in latitude (azimuth -> pi - azimuth), in longitude
        // (azimuth -> -azimuth), and swap ends (start and end azimuths trade places, reversed).
        double az1 = bestAlpha1;
        double az2 = bestAlpha2;
        if (latSign < 0)
        {
            az1 = Math.PI - az1;
            az2 = Math.PI - az2;
        }

        if (lonSign < 0)
        {
            az1 = -az1;
            az2 = -az2;
        }

        if (swap)
        {
            (az1, az2) = (az2 + Math.PI, az1 + Math.PI);
        }

        return new GeodesicInverse(best, Wrap(ToBearing(Math.Atan2(Math.Sin(az1), Math.Cos(az1)))), Wrap(ToBearing(Math.Atan2(Math.Sin(az2), Math.Cos(az2)))));
    }

    private static double Wrap(double deg) => deg >= 360.0 ? deg - 360.0 : deg;

    // For start azimuth alpha1 from reduced latitude beta1, follow the great circle on the
    // auxiliary sphere to the crossing of beta2 nearest half a circle further on; return the
    // ellipsoidal longitude difference (Vincenty's series), the distance and the end azimuth.
    private static void Evaluate(double alpha1, double beta1, double beta2, Ellipsoid ellipsoid, out double lambda, out double s, out double alpha2)
    {
        double f = ellipsoid.Flattening;
        double sinAlpha0 = Math.Sin(alpha1) * Math.Cos(beta1);
        double cosSqAlpha = 1 - (sinAlpha0 * sinAlpha0);
        double cosAlpha0 = Math.Sqrt(cosSqAlpha);
        double sigma1 = Math.Atan2(Math.Sin(beta1), Math.Cos(alpha1) * Math.Cos(beta1));

        double ratio = Math.Clamp(Math.Sin(beta2) / cosAlpha0, -1.0, 1.0);
        double crossing = Math.Asin(ratio);
        double goal = sigma1 + Math.PI;
        double sigma2 = Nearest(crossing, goal);
        double other = Nearest(Math.PI - crossing, goal);
        if (Math.Abs(other - goal) < Math.Abs(sigma2 - goal))
        {
            sigma2 = other;
        }

        double omega1 = Math.Atan2(sinAlpha0 * Math.Sin(sigma1), Math.Cos(sigma1));
        double omega2 = Math.Atan2(sinAlpha0 * Math.Sin(sigma2), Math.Cos(sigma2));
        double omega12 = omega2 - omega1;
        while (omega12 < 0)
        {
            omega12 += 2 * Math.PI;
        }

        double sigma = sigma2 - sigma1;
        double sinSigma = Math.Sin(sigma);
        double cosSigma = Math.Cos(sigma);
        double cos2SigmaM = Math.Cos(sigma1 + sigma2);
        double c = f / 16 * cosSqAlpha * (4 + (f * (4 - (3 * cosSqAlpha))));
        lambda = omega12 - ((1 - c) * f * sinAlpha0 * (sigma + (c * sinSigma * (cos2SigmaM + (c * cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))))));
        s = ellipsoid.SemiMinorAxis * DistanceOnAuxiliarySphere(cosSqAlpha, ellipsoid.SemiMajorAxis, ellipsoid.SemiMinorAxis, sigma, sinSigma, cosSigma, cos2SigmaM);
        alpha2 = Math.Atan2(sinAlpha0, cosAlpha0 * Math.Cos(sigma2));
    }

    private static double Nearest(double angle, double goal) =>
        angle + (2 * Math.PI * Math.Round((goal - angle) / (2 * Math.PI)));
}
