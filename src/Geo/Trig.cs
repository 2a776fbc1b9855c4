namespace BeidouHub.Geo;

/// <summary>
/// Sine and cosine as inlinable polynomials where the angle is known to be small, in place of
/// a libm call (about 10 ns, plus the registers the JIT must spill around any call).
/// </summary>
internal static class Trig
{
    /// <summary>
    /// sin u and cos u for |u| &lt;= π/4: Taylor series to u¹⁷/17! and u¹⁸/18!, whose first
    /// omitted terms are below 1e-19 and 4e-21 there, so within an ulp of libm. cos u is
    /// 1 - u²/2 + ... with the rounding of 1 - u²/2 carried into the small terms (as fdlibm's
    /// k_cos does). Estrin form in z = u² (z, z², z⁴), not Horner: four multiply-adds deep.
    /// </summary>
    public static (double Sin, double Cos) SinCosQuarterPi(double u)
    {
        double z = u * u;
        double z2 = z * z;
        double z4 = z2 * z2;
        double sinTail = Fma(z4,
            Fma(z2, Fma(z, 1 / 355687428096000.0, -1 / 1307674368000.0), Fma(z, 1 / 6227020800.0, -1 / 39916800.0)),
            Fma(z2, Fma(z, 1 / 362880.0, -1 / 5040.0), Fma(z, 1 / 120.0, -1 / 6.0)));
        double cosTail = Fma(z4,
            Fma(z2, Fma(z, -1 / 6402373705728000.0, 1 / 20922789888000.0), Fma(z, -1 / 87178291200.0, 1 / 479001600.0)),
            Fma(z2, Fma(z, -1 / 3628800.0, 1 / 40320.0), Fma(z, -1 / 720.0, 1 / 24.0)));
        double half = 0.5 * z;
        double w = 1 - half;
        return (Fma(u * z, sinTail, u), w + Fma(z2, cosTail, (1 - w) - half));
    }

    /// <summary>a · b + c with one rounding (a single instruction on x64 with FMA3 and on Arm64).</summary>
    public static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    /// <summary>
    /// sin φ and cos φ for a latitude |φ| &lt;= π/2 (or NaN): beyond π/4 from the complementary
    /// angle π/2 - |φ|, which is exact to an ulp when π/2 is taken in two parts (fdlibm's
    /// pio2_1, pio2_1t split).
    /// </summary>
    public static (double Sin, double Cos) SinCosLatitude(double phi)
    {
        if (!(Math.Abs(phi) > Math.PI / 4))
        {
            return SinCosQuarterPi(phi);
        }

        // π/2 - |φ| is exact in doubles for π/4 <= |φ| <= π/2 (Sterbenz), then the low part of π/2.
        (double sin, double cos) = SinCosQuarterPi((HalfPiHigh - Math.Abs(phi)) + HalfPiLow);
        return (Math.CopySign(cos, phi), sin);
    }

    private const double HalfPiHigh = Math.PI / 2;
    private const double HalfPiLow = 6.123233995736766036e-17; // π/2 - HalfPiHigh
}
