using System.Diagnostics;

namespace BeidouHub.Bench.Load;

/// <summary>
/// Durations in Stopwatch ticks counted into fixed buckets: 10 µs wide up to 200 ms, 1 ms wide
/// up to 60 s, the rest in one overflow bucket (the exact maximum is kept apart). One writer;
/// merged after the run. Percentiles are bucket upper bounds, so at most 10 µs (1 ms above
/// 200 ms) pessimistic.
/// </summary>
internal sealed class LatencyHistogram
{
    private const long FineWidthUs = 10;
    private const int FineBuckets = 20_000;
    private const long CoarseWidthUs = 1_000;
    private const int CoarseBuckets = 59_800;

    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets + 1];
    private static readonly double TicksPerUs = Stopwatch.Frequency / 1e6;

    public long Count { get; private set; }

    public long MaxTicks { get; private set; }

    public long NegativeCount { get; private set; }

    public void Add(long ticks)
    {
        if (ticks < 0)
        {
            // Cannot happen when both stamps come from one monotonic clock and the source's stamp
            // is taken before its write; counted so that a bug shows.
            NegativeCount++;
            ticks = 0;
        }

        long us = (long)(ticks / TicksPerUs);
        long bucket = us < FineWidthUs * FineBuckets
            ? us / FineWidthUs
            : FineBuckets + Math.Min(CoarseBuckets, (us - (FineWidthUs * FineBuckets)) / CoarseWidthUs);
        _counts[bucket]++;
        Count++;
        if (ticks > MaxTicks)
        {
            MaxTicks = ticks;
        }
    }

    public void Merge(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        NegativeCount += other.NegativeCount;
        MaxTicks = Math.Max(MaxTicks, other.MaxTicks);
    }

    /// <summary>The p-quantile in milliseconds (upper bound of its bucket), NaN when empty.</summary>
    public double PercentileMs(double p)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(p * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                double upperUs = i < FineBuckets ? (i + 1) * FineWidthUs : (FineWidthUs * FineBuckets) + ((i - FineBuckets + 1) * CoarseWidthUs);
                return Math.Min(upperUs / 1e3, MaxMs);
            }
        }

        return MaxMs;
    }

    public double MaxMs => MaxTicks / TicksPerUs / 1e3;
}
