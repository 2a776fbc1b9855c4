using static BeidouHub.Geo.Trig;

namespace BeidouHub.Geo;

/// <summary>
/// Ellipsoidal Transverse Mercator by the Krüger series in the third flattening n to 6th order,
/// in the Poder/Engsager formulation (ICC 2007) that PROJ's <c>tmerc</c> uses by default
/// ("exact" / <c>algo=poder_engsager</c>, PROJ <c>src/projections/tmerc.cpp</c>). It agrees with
/// cs2cs to well under a millimetre within a zone and to a few tenths of a millimetre a few
/// degrees outside it. All coefficients are computed once per instance: the per-point path
/// allocates nothing.
/// </summary>
internal sealed class TransverseMercator
{
    private const int Order = 6;

    // PROJ refuses |Ce| > 2.623395162778 (150 degrees of the complex longitude): beyond it the
    // series no longer converges.
    private const double MaxComplexEasting = 2.623395162778;

    private readonly SineSeries _cbg; // geodetic -> Gaussian latitude
    private readonly SineSeries _cgb; // Gaussian -> geodetic latitude
    private readonly SineSeries _utg; // ellipsoidal N, E -> spherical N, E
    private readonly SineSeries _gtu; // spherical N, E -> ellipsoidal N, E
    private readonly double _qn;   // a k0 times the normalised meridian quadrant
    private readonly double _zb;   // northing offset for a non-zero latitude of origin, metres
    private readonly double _lon0; // radians
    private readonly double _falseEasting;
    private readonly double _falseNorthing;

    public TransverseMercator(Ellipsoid ellipsoid, double centralMeridianDeg, double scaleFactor,
        double falseEasting, double falseNorthing, double latitudeOfOriginDeg = 0.0)
    {
        Span<double> cbg = stackalloc double[Order];
        Span<double> cgb = stackalloc double[Order];
        Span<double> utg = stackalloc double[Order];
        Span<double> gtu = stackalloc double[Order];
        double f = ellipsoid.Flattening;
        double n = f / (2.0 - f);
        double np = n;

        // Engsager & Poder, ICC 2007; coefficients as in PROJ tmerc.cpp setup_exact().
        cgb[0] = n * (2 + n * (-2 / 3.0 + n * (-2 + n * (116 / 45.0 + n * (26 / 45.0 + n * (-2854 / 675.0))))));
        cbg[0] = n * (-2 + n * (2 / 3.0 + n * (4 / 3.0 + n * (-82 / 45.0 + n * (32 / 45.0 + n * (4642 / 4725.0))))));
        np *= n;
        cgb[1] = np * (7 / 3.0 + n * (-8 / 5.0 + n * (-227 / 45.0 + n * (2704 / 315.0 + n * (2323 / 945.0)))));
        cbg[1] = np * (5 / 3.0 + n * (-16 / 15.0 + n * (-13 / 9.0 + n * (904 / 315.0 + n * (-1522 / 945.0)))));
        np *= n;
        cgb[2] = np * (56 / 15.0 + n * (-136 / 35.0 + n * (-1262 / 105.0 + n * (73814 / 2835.0))));
        cbg[2] = np * (-26 / 15.0 + n * (34 / 21.0 + n * (8 / 5.0 + n * (-12686 / 2835.0))));
        np *= n;
        cgb[3] = np * (4279 / 630.0 + n * (-332 / 35.0 + n * (-399572 / 14175.0)));
        cbg[3] = np * (1237 / 630.0 + n * (-12 / 5.0 + n * (-24832 / 14175.0)));
        np *= n;
        cgb[4] = np * (4174 / 315.0 + n * (-144838 / 6237.0));
        cbg[4] = np * (-734 / 315.0 + n * (109598 / 31185.0));
        np *= n;
        cgb[5] = np * (601676 / 22275.0);
        cbg[5] = np * (444337 / 155925.0);

        np = n * n;
        // Normalised meridian quadrant, König & Weise p. 50 (96).
        _qn = ellipsoid.SemiMajorAxis * scaleFactor / (1 + n) * (1 + np * (1 / 4.0 + np * (1 / 64.0 + np / 256.0)));

        utg[0] = n * (-0.5 + n * (2 / 3.0 + n * (-37 / 96.0 + n * (1 / 360.0 + n * (81 / 512.0 + n * (-96199 / 604800.0))))));
        gtu[0] = n * (0.5 + n * (-2 / 3.0 + n * (5 / 16.0 + n * (41 / 180.0 + n * (-127 / 288.0 + n * (7891 / 37800.0))))));
        utg[1] = np * (-1 / 48.0 + n * (-1 / 15.0 + n * (437 / 1440.0 + n * (-46 / 105.0 + n * (1118711 / 3870720.0)))));
        gtu[1] = np * (13 / 48.0 + n * (-3 / 5.0 + n * (557 / 1440.0 + n * (281 / 630.0 + n * (-1983433 / 1935360.0)))));
        np *= n;
        utg[2] = np * (-17 / 480.0 + n * (37 / 840.0 + n * (209 / 4480.0 + n * (-5569 / 90720.0))));
        gtu[2] = np * (61 / 240.0 + n * (-103 / 140.0 + n * (15061 / 26880.0 + n * (167603 / 181440.0))));
        np *= n;
        utg[3] = np * (-4397 / 161280.0 + n * (11 / 504.0 + n * (830251 / 7257600.0)));
        gtu[3] = np * (49561 / 161280.0 + n * (-179 / 168.0 + n * (6601661 / 7257600.0)));
        np *= n;
        utg[4] = np * (-4583 / 161280.0 + n * (108847 / 3991680.0));
        gtu[4] = np * (34729 / 80640.0 + n * (-3418889 / 1995840.0));
        np *= n;
        utg[5] = np * (-20648693 / 638668800.0);
        gtu[5] = np * (212378941 / 319334400.0);

        _cbg = new SineSeries(cbg);
        _cgb = new SineSeries(cgb);
        _utg = new SineSeries(utg);
        _gtu = new SineSeries(gtu);

        double phi0 = latitudeOfOriginDeg * (Math.PI / 180.0);
        double z = phi0 + _cbg.Sum(Math.Sin(2 * phi0), Math.Cos(2 * phi0));
        _zb = -_qn * (z + _gtu.Sum(Math.Sin(2 * z), Math.Cos(2 * z)));

        _lon0 = centralMeridianDeg * (Math.PI / 180.0);
        _falseEasting = falseEasting;
        _falseNorthing = falseNorthing;
    }

    /// <summary>Geodetic degrees to (northing, easting) metres; false when outside the series' domain.</summary>
    /// <remarks>
    /// The same series as PROJ, evaluated with one transcendental call within a zone instead
    /// of a dozen (SinCos of φ; three more beyond |λ| = 0.1 rad: sin/cos λ, Atan2, Atanh). Sin/cos
    /// of the Gaussian latitude χ come from sin/cos of φ by the angle-sum rule (the correction
    /// is below 0.0034 rad, so its sin/cos are short Taylor polynomials), and the Krüger series
    /// gets sin/cos 2ξ' and sinh/cosh 2η' algebraically from the spherical transverse Mercator
    /// itself (Karney 2011, eqs. 9-10: with B = cos χ sin λ, cosh η' = 1/√(1 - B²) and
    /// sinh η' = B cosh η'). Over ±60 degrees of longitude it stays within 10 nm of PROJ's
    /// evaluation order.
    /// </remarks>
    public bool TryForward(double latitudeDeg, double longitudeDeg, out double northing, out double easting)
    {
        double phi = latitudeDeg * (Math.PI / 180.0);
        double lam = NormaliseLongitude(longitudeDeg * (Math.PI / 180.0) - _lon0);
        (double sinPhi, double cosPhi) = Trig.SinCosLatitude(phi);

        // Ellipsoidal latitude -> Gaussian latitude χ = φ + d, |d| < 0.0034 rad; sin d and cos d
        // to d⁵ and d⁶ (the next terms are below 1e-20), by reciprocals: everything after waits
        // for these, and a division is four times a multiplication's latency.
        double d = _cbg.Sum(2 * sinPhi * cosPhi, (cosPhi * cosPhi) - (sinPhi * sinPhi));
        double d2 = d * d;
        double sinD = d * (1 - (d2 * (1 / 6.0) * (1 - (d2 * (1 / 20.0)))));
        double cosD = 1 - (d2 * 0.5 * (1 - (d2 * (1 / 12.0) * (1 - (d2 * (1 / 30.0))))));
        double sinChi = (sinPhi * cosD) + (cosPhi * sinD);
        double cosChi = (cosPhi * cosD) - (sinPhi * sinD);

        // Gaussian latitude, longitude -> complementary spherical coordinates (ξ', η'), with
        // tan ξ' = tan χ / cos λ and tanh η' = B = cos χ sin λ.
        double y, b, cn, ce;
        if (Math.Abs(lam) < SmallLongitude)
        {
            (double sinLam, double versLam) = SinVersSmall(lam);
            y = cosChi * (1 - versLam);
            b = cosChi * sinLam;
            cn = phi + (d + SphericalLatitudeCorrection(sinChi, cosChi, versLam));
            ce = AtanhSmall(b);
        }
        else
        {
            (double sinLam, double cosLam) = Math.SinCos(lam);
            y = cosChi * cosLam;
            b = cosChi * sinLam;
            cn = Math.Atan2(sinChi, y);
            ce = Math.Atanh(b);
        }

        // Spherical normalised N, E -> ellipsoidal normalised N, E; sin/cos 2ξ' from the
        // arguments of tan ξ', sinh/cosh 2η' from B.
        double inv = 1 / ((sinChi * sinChi) + (y * y)); // = 1 / (1 - B²) = cosh² η'
        _gtu.Sum(
            sinRe: 2 * sinChi * y * inv,
            cosRe: ((y * y) - (sinChi * sinChi)) * inv,
            sinhIm: 2 * b * inv,
            coshIm: (1 + (b * b)) * inv,
            out double dCn, out double dCe);
        cn += dCn;
        ce += dCe;
        if (!(Math.Abs(ce) <= MaxComplexEasting))
        {
            northing = double.NaN;
            easting = double.NaN;
            return false;
        }

        northing = (_qn * cn) + _zb + _falseNorthing;
        easting = (_qn * ce) + _falseEasting;
        return true;
    }

    /// <summary>(northing, easting) metres to geodetic degrees; false when outside the series' domain.</summary>
    public bool TryInverse(double northing, double easting, out double latitudeDeg, out double longitudeDeg)
    {
        double cn = (northing - _falseNorthing - _zb) / _qn;
        double ce = (easting - _falseEasting) / _qn;
        if (!(Math.Abs(ce) <= MaxComplexEasting))
        {
            latitudeDeg = double.NaN;
            longitudeDeg = double.NaN;
            return false;
        }

        (double sin2Cn, double cos2Cn) = Math.SinCos(2 * cn);
        _utg.Sum(sin2Cn, cos2Cn, Math.Sinh(2 * ce), Math.Cosh(2 * ce), out double dCn, out double dCe);
        cn += dCn;
        ce += dCe;

        // Complementary spherical -> Gaussian latitude and longitude.
        (double sinCn, double cosCn) = Math.SinCos(cn);
        double sinhCe = Math.Sinh(ce);
        double lam = Math.Atan2(sinhCe, cosCn);
        cn = Math.Atan2(sinCn, Math.Sqrt((sinhCe * sinhCe) + (cosCn * cosCn)));

        (double sin2Chi, double cos2Chi) = Math.SinCos(2 * cn);
        double phi = cn + _cgb.Sum(sin2Chi, cos2Chi);
        latitudeDeg = phi * (180.0 / Math.PI);
        longitudeDeg = NormaliseLongitude(lam + _lon0) * (180.0 / Math.PI);
        return true;
    }

    // Small-λ fast path. Within a zone |λ| is at most 3 degrees (0.053 rad) and |B| <= |λ|;
    // below 0.1 the Taylor series are cut where the first omitted term is under 3e-18 relative
    // (λ¹¹/11!, λ¹²/12!, B¹⁷/17), and agree with Math.SinCos to 1 ulp and Math.Atanh to 2 ulp
    // (2e-10 m of easting). Each replaces a libm call of about 10 ns.
    private const double SmallLongitude = 0.1;

    // sin λ and versin λ = 1 - cos λ (kept apart: ξ' - χ is proportional to it, see below).
    private static (double Sin, double Vers) SinVersSmall(double lam)
    {
        double l2 = lam * lam;
        double sin = lam * (1 - (l2 * (1 / 6.0) * (1 - (l2 * (1 / 20.0) * (1 - (l2 * (1 / 42.0) * (1 - (l2 * (1 / 72.0)))))))));
        double vers = l2 * 0.5 * (1 - (l2 * (1 / 12.0) * (1 - (l2 * (1 / 30.0) * (1 - (l2 * (1 / 56.0) * (1 - (l2 * (1 / 90.0)))))))));
        return (sin, vers);
    }

    // ξ' - χ for small λ, instead of Atan2 for ξ' itself: from tan ξ' = tan χ / cos λ and the
    // tangent of a difference, tan(ξ' - χ) = sin χ cos χ vers λ / (1 - cos² χ vers λ), at most
    // vers(0.1)/2 = 0.0025, so its atan is t - t³/3 + t⁵/5 - t⁷/7 (next term below 1e-24).
    // Adding a correction below 0.006 rad to φ as given keeps ξ' to a fraction of an ulp,
    // where Atan2 rounds it once more.
    private static double SphericalLatitudeCorrection(double sinChi, double cosChi, double versLam)
    {
        double cosVers = cosChi * versLam;
        double t = sinChi * cosVers / (1 - (cosChi * cosVers));
        double t2 = t * t;
        return t - (t * t2 * ((1 / 3.0) - (t2 * ((1 / 5.0) - (t2 * (1 / 7.0))))));
    }

    private static double AtanhSmall(double b)
    {
        // b + b³ (1/3 + b²/5 + ... + b¹²/15), the small correction added last.
        double b2 = b * b;
        double b4 = b2 * b2;
        double q = (1 / 3.0) + (b2 * (1 / 5.0)) + (b4 * ((1 / 7.0) + (b2 * (1 / 9.0))))
            + (b4 * b4 * ((1 / 11.0) + (b2 * (1 / 13.0)) + (b4 * (1 / 15.0))));
        return b + (b * b2 * q);
    }

    private static double NormaliseLongitude(double lam)
    {
        if (lam > Math.PI)
        {
            lam -= 2 * Math.PI;
        }
        else if (lam < -Math.PI)
        {
            lam += 2 * Math.PI;
        }

        return lam;
    }

    /// <summary>
    /// A six-term sine series sum p[k] sin((k+1) w) in the form sin w · sum a[j] cos^j w
    /// (sin((k+1) w) = sin w · U_k(cos w), Chebyshev polynomials of the second kind), evaluated by
    /// Estrin's scheme. Same value as PROJ's Clenshaw recurrence to rounding, but three dependent
    /// multiply-adds deep instead of five Clenshaw steps: on the forward path both sums sit
    /// between the transcendental calls, so their latency is the projection's.
    /// </summary>
    private readonly struct SineSeries
    {
        private readonly double _a0, _a1, _a2, _a3, _a4, _a5;

        public SineSeries(ReadOnlySpan<double> p)
        {
            Span<double> a = stackalloc double[Order];
            Span<double> u = stackalloc double[Order];     // U_k, coefficients of cos^j w
            Span<double> uPrev = stackalloc double[Order]; // U_(k-1)
            a.Clear();
            u.Clear();
            uPrev.Clear();
            u[0] = 1;
            for (int k = 0; k < Order; k++)
            {
                for (int j = 0; j < Order; j++)
                {
                    a[j] += p[k] * u[j];
                }

                // U_(k+1)(x) = 2x U_k(x) - U_(k-1)(x)
                for (int j = Order - 1; j >= 0; j--)
                {
                    double next = (j > 0 ? 2 * u[j - 1] : 0) - uPrev[j];
                    uPrev[j] = u[j];
                    u[j] = next;
                }
            }

            (_a0, _a1, _a2, _a3, _a4, _a5) = (a[0], a[1], a[2], a[3], a[4], a[5]);
        }

        /// <summary>The sum at real w, given sin w and cos w.</summary>
        public double Sum(double sinW, double cosW)
        {
            double x2 = cosW * cosW;
            double poly = Fma(x2, Fma(x2, Fma(_a5, cosW, _a4), Fma(_a3, cosW, _a2)), Fma(_a1, cosW, _a0));
            return sinW * poly;
        }

        /// <summary>The sum at complex w, given sin/cos of its real part and sinh/cosh of its imaginary part.</summary>
        public void Sum(double sinRe, double cosRe, double sinhIm, double coshIm, out double sumRe, out double sumIm)
        {
            // cos w and sin w of w = re + i im.
            double zr = cosRe * coshIm;
            double zi = -sinRe * sinhIm;
            double sr = sinRe * coshIm;
            double si = cosRe * sinhIm;

            double z2r = Fma(zr, zr, -(zi * zi));
            double z2i = 2 * zr * zi;
            double q0r = Fma(_a1, zr, _a0);
            double q0i = _a1 * zi;
            double q1r = Fma(_a3, zr, _a2);
            double q1i = _a3 * zi;
            double q2r = Fma(_a5, zr, _a4);
            double q2i = _a5 * zi;

            // poly = q0 + z² (q1 + z² q2)
            double tr = Fma(z2r, q2r, Fma(-z2i, q2i, q1r));
            double ti = Fma(z2r, q2i, Fma(z2i, q2r, q1i));
            double pr = Fma(z2r, tr, Fma(-z2i, ti, q0r));
            double pi = Fma(z2r, ti, Fma(z2i, tr, q0i));

            sumRe = Fma(sr, pr, -(si * pi));
            sumIm = Fma(sr, pi, si * pr);
        }
    }
}
