namespace BeidouHub.Simulator;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014; the constants of Vigna's public-domain splitmix64.c). Our own generator so that a
/// seed gives the same log whatever the .NET runtime: <see cref="System.Random"/>'s algorithm is
/// an implementation detail that has changed between versions.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal, Box-Muller (one value per call; the second is discarded for simplicity).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>The SplitMix64 finaliser: a bijective hash of 64 bits, used to derive child seeds.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A seed for child <paramref name="index"/> of <paramref name="seed"/> (receiver i of a fleet, a noise channel).</summary>
    public static ulong Derive(ulong seed, ulong index) => Mix(seed + ((index + 1) * 0x9E3779B97F4A7C15UL));
}
