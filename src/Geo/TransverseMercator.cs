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

    private readonly double[] _cbg = new double[Order]; // geodetic -> Gaussian latitude
    private readonly double[] _cgb = new double[Order]; // Gaussian -> geodetic latitude
    private readonly double[] _utg = new double[Order]; // ellipsoidal N, E -> spherical N, E
    private readonly double[] _gtu = new double[Order]; // spherical N, E -> ellipsoidal N, E
    private readonly double _qn;   // a k0 times the normalised meridian quadrant
    private readonly double _zb;   // northing offset for a non-zero latitude of origin, metres
    private readonly double _lon0; // radians
    private readonly double _falseEasting;
    private readonly double _falseNorthing;

    public TransverseMercator(Ellipsoid ellipsoid, double centralMeridianDeg, double scaleFactor,
        double falseEasting, double falseNorthing, double latitudeOfOriginDeg = 0.0)
    {
        double f = ellipsoid.Flattening;
        double n = f / (2.0 - f);
        double np = n;

        // Engsager & Poder, ICC 2007; coefficients as in PROJ tmerc.cpp setup_exact().
        _cgb[0] = n * (2 + n * (-2 / 3.0 + n * (-2 + n * (116 / 45.0 + n * (26 / 45.0 + n * (-2854 / 675.0))))));
        _cbg[0] = n * (-2 + n * (2 / 3.0 + n * (4 / 3.0 + n * (-82 / 45.0 + n * (32 / 45.0 + n * (4642 / 4725.0))))));
        np *= n;
        _cgb[1] = np * (7 / 3.0 + n * (-8 / 5.0 + n * (-227 / 45.0 + n * (2704 / 315.0 + n * (2323 / 945.0)))));
        _cbg[1] = np * (5 / 3.0 + n * (-16 / 15.0 + n * (-13 / 9.0 + n * (904 / 315.0 + n * (-1522 / 945.0)))));
        np *= n;
        _cgb[2] = np * (56 / 15.0 + n * (-136 / 35.0 + n * (-1262 / 105.0 + n * (73814 / 2835.0))));
        _cbg[2] = np * (-26 / 15.0 + n * (34 / 21.0 + n * (8 / 5.0 + n * (-12686 / 2835.0))));
        np *= n;
        _cgb[3] = np * (4279 / 630.0 + n * (-332 / 35.0 + n * (-399572 / 14175.0)));
        _cbg[3] = np * (1237 / 630.0 + n * (-12 / 5.0 + n * (-24832 / 14175.0)));
        np *= n;
        _cgb[4] = np * (4174 / 315.0 + n * (-144838 / 6237.0));
        _cbg[4] = np * (-734 / 315.0 + n * (109598 / 31185.0));
        np *= n;
        _cgb[5] = np * (601676 / 22275.0);
        _cbg[5] = np * (444337 / 155925.0);

        np = n * n;
        // Normalised meridian quadrant, König & Weise p. 50 (96).
        _qn = ellipsoid.SemiMajorAxis * scaleFactor / (1 + n) * (1 + np * (1 / 4.0 + np * (1 / 64.0 + np / 256.0)));

        _utg[0] = n * (-0.5 + n * (2 / 3.0 + n * (-37 / 96.0 + n * (1 / 360.0 + n * (81 / 512.0 + n * (-96199 / 604800.0))))));
        _gtu[0] = n * (0.5 + n * (-2 / 3.0 + n * (5 / 16.0 + n * (41 / 180.0 + n * (-127 / 288.0 + n * (7891 / 37800.0))))));
        _utg[1] = np * (-1 / 48.0 + n * (-1 / 15.0 + n * (437 / 1440.0 + n * (-46 / 105.0 + n * (1118711 / 3870720.0)))));
        _gtu[1] = np * (13 / 48.0 + n * (-3 / 5.0 + n * (557 / 1440.0 + n * (281 / 630.0 + n * (-1983433 / 1935360.0)))));
        np *= n;
        _utg[2] = np * (-17 / 480.0 + n * (37 / 840.0 + n * (209 / 4480.0 + n * (-5569 / 90720.0))));
        _gtu[2] = np * (61 / 240.0 + n * (-103 / 140.0 + n * (15061 / 26880.0 + n * (167603 / 181440.0))));
        np *= n;
        _utg[3] = np * (-4397 / 161280.0 + n * (11 / 504.0 + n * (830251 / 7257600.0)));
        _gtu[3] = np * (49561 / 161280.0 + n * (-179 / 168.0 + n * (6601661 / 7257600.0)));
        np *= n;
        _utg[4] = np * (-4583 / 161280.0 + n * (108847 / 3991680.0));
        _gtu[4] = np * (34729 / 80640.0 + n * (-3418889 / 1995840.0));
        np *= n;
        _utg[5] = np * (-20648693 / 638668800.0);
        _gtu[5] = np * (212378941 / 319334400.0);

        double phi0 = latitudeOfOriginDeg * (Math.PI / 180.0);
        double z = Gaussian(_cbg, phi0, Math.Cos(2 * phi0), Math.Sin(2 * phi0));
        _zb = -_qn * (z + RealClenshaw(_gtu, 2 * z));

        _lon0 = centralMeridianDeg * (Math.PI / 180.0);
        _falseEasting = falseEasting;
        _falseNorthing = falseNorthing;
    }

    /// <summary>Geodetic degrees to (northing, easting) metres; false when outside the series' domain.</summary>
    public bool TryForward(double latitudeDeg, double longitudeDeg, out double northing, out double easting)
    {
        double phi = latitudeDeg * (Math.PI / 180.0);
        double lam = NormaliseLongitude(longitudeDeg * (Math.PI / 180.0) - _lon0);

        // Ellipsoidal latitude -> Gaussian latitude -> complementary spherical coordinates.
        double cn = Gaussian(_cbg, phi, Math.Cos(2 * phi), Math.Sin(2 * phi));
        double sinCn = Math.Sin(cn);
        double cosCn = Math.Cos(cn);
        double sinCe = Math.Sin(lam);
        double cosCe = Math.Cos(lam);
        cn = Math.Atan2(sinCn, cosCe * cosCn);
        double ce = Math.Asinh(sinCe * cosCn / Math.Sqrt((sinCn * sinCn) + (cosCn * cosCe * cosCn * cosCe)));

        // Spherical normalised N, E -> ellipsoidal normalised N, E.
        ComplexClenshaw(_gtu, 2 * cn, 2 * ce, out double dCn, out double dCe);
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

        ComplexClenshaw(_utg, 2 * cn, 2 * ce, out double dCn, out double dCe);
        cn += dCn;
        ce += dCe;

        // Complementary spherical -> Gaussian latitude and longitude.
        double sinCn = Math.Sin(cn);
        double cosCn = Math.Cos(cn);
        double sinhCe = Math.Sinh(ce);
        double lam = Math.Atan2(sinhCe, cosCn);
        cn = Math.Atan2(sinCn, Math.Sqrt((sinhCe * sinhCe) + (cosCn * cosCn)));

        double phi = Gaussian(_cgb, cn, Math.Cos(2 * cn), Math.Sin(2 * cn));
        latitudeDeg = phi * (180.0 / Math.PI);
        longitudeDeg = NormaliseLongitude(lam + _lon0) * (180.0 / Math.PI);
        return true;
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

    // Clenshaw summation of a sine series in 2B, returning B + sum (PROJ gatg()).
    private static double Gaussian(double[] p, double b, double cos2B, double sin2B)
    {
        double twoCos2B = 2 * cos2B;
        double h1 = p[Order - 1];
        double h2 = 0;
        double h = 0;
        for (int i = Order - 2; i >= 0; i--)
        {
            h = -h2 + (twoCos2B * h1) + p[i];
            h2 = h1;
            h1 = h;
        }

        return b + (h * sin2B);
    }

    // Real Clenshaw summation of sum p[k] sin((k+1) x) (PROJ clens()).
    private static double RealClenshaw(double[] p, double x)
    {
        double r = 2 * Math.Cos(x);
        double hr1 = 0;
        double hr = p[Order - 1];
        for (int i = Order - 2; i >= 0; i--)
        {
            double hr2 = hr1;
            hr1 = hr;
            hr = -hr2 + (r * hr1) + p[i];
        }

        return Math.Sin(x) * hr;
    }

    // Complex Clenshaw summation of sum p[k] sin((k+1) (re + i im)) (PROJ clenS()).
    private static void ComplexClenshaw(double[] p, double re, double im, out double sumRe, out double sumIm)
    {
        double sinR = Math.Sin(re);
        double cosR = Math.Cos(re);
        double sinhI = Math.Sinh(im);
        double coshI = Math.Cosh(im);
        double r = 2 * cosR * coshI;
        double i = -2 * sinR * sinhI;

        double hr = p[Order - 1];
        double hi = 0;
        double hr1 = 0;
        double hi1 = 0;
        for (int k = Order - 2; k >= 0; k--)
        {
            double hr2 = hr1;
            double hi2 = hi1;
            hr1 = hr;
            hi1 = hi;
            hr = -hr2 + (r * hr1) - (i * hi1) + p[k];
            hi = -hi2 + (i * hr1) + (r * hi1);
        }

        r = sinR * coshI;
        i = cosR * sinhI;
        sumRe = (r * hr) - (i * hi);
        sumIm = (r * hi) + (i * hr);
    }
}
