using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Simulator;

/// <summary>
/// Dilutions of precision from the geometry of the used satellites: Q = (GᵀG)⁻¹ with rows
/// [-e, -n, -u, clock of the satellite's system] (one receiver clock per constellation, as
/// multi-GNSS receivers estimate an inter-system bias). HDOP = sqrt(Qee + Qnn), VDOP = sqrt(Quu),
/// PDOP = sqrt(Qee + Qnn + Quu).
/// </summary>
internal readonly record struct Dops(double Pdop, double Hdop, double Vdop)
{
    public static Dops None => new(99.99, 99.99, 99.99);

    public static Dops From(IReadOnlyList<SkyEntry> sky)
    {
        // Columns: e, n, u, GPS clock, BeiDou clock.
        bool gps = false, bds = false;
        foreach (SkyEntry s in sky)
        {
            gps |= s.Used && s.Satellite.Constellation == Constellation.Gps;
            bds |= s.Used && s.Satellite.Constellation == Constellation.Beidou;
        }

        int n = 3 + (gps ? 1 : 0) + (bds ? 1 : 0);
        int gpsColumn = 3, bdsColumn = gps ? 4 : 3;
        var m = new double[n, n];
        int rows = 0;
        Span<double> row = stackalloc double[5];
        foreach (SkyEntry s in sky)
        {
            if (!s.Used)
            {
                continue;
            }

            row.Clear();
            row[0] = -s.LineOfSight.East;
            row[1] = -s.LineOfSight.North;
            row[2] = -s.LineOfSight.Up;
            row[s.Satellite.Constellation == Constellation.Gps ? gpsColumn : bdsColumn] = 1;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    m[i, j] += row[i] * row[j];
                }
            }

            rows++;
        }

        if (rows < n || !Invert(m, n))
        {
            return None;
        }

        double h = Math.Sqrt(m[0, 0] + m[1, 1]), v = Math.Sqrt(m[2, 2]);
        return new Dops(Math.Min(99.99, Math.Sqrt((h * h) + (v * v))), Math.Min(99.99, h), Math.Min(99.99, v));
    }

    // Gauss-Jordan with partial pivoting, in place.
    private static bool Invert(double[,] a, int n)
    {
        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inv[i, i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[p, c]))
                {
                    p = r;
                }
            }

            if (Math.Abs(a[p, c]) < 1e-12)
            {
                return false;
            }

            for (int k = 0; k < n; k++)
            {
                (a[c, k], a[p, k]) = (a[p, k], a[c, k]);
                (inv[c, k], inv[p, k]) = (inv[p, k], inv[c, k]);
            }

            double d = a[c, c];
            for (int k = 0; k < n; k++)
            {
                a[c, k] /= d;
                inv[c, k] /= d;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c && a[r, c] != 0)
                {
                    double f = a[r, c];
                    for (int k = 0; k < n; k++)
                    {
                        a[r, k] -= f * a[c, k];
                        inv[r, k] -= f * inv[c, k];
                    }
                }
            }
        }

        Array.Copy(inv, a, inv.Length);
        return true;
    }
}
