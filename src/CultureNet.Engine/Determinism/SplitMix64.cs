namespace CultureNet.Engine.Determinism;

/// <summary>
/// A tiny, fast, seedable generator (SplitMix64) whose stream is fixed forever — unlike System.Random, whose
/// seeded sequence is an implementation detail — so a synthetic cohort is reproducible from its seed alone.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one (stream, a, b, c) address, independent of how many others were used before.</summary>
    public static SplitMix64 For(long seed, long a, long b = 0, long c = 0)
    {
        var g = new SplitMix64((ulong)seed * 0x9E3779B97F4A7C15UL);
        ulong h = g.Next() ^ (ulong)a;
        g = new SplitMix64(h);
        h = g.Next() ^ (ulong)b;
        g = new SplitMix64(h);
        h = g.Next() ^ (ulong)c;
        return new SplitMix64(h);
    }

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Exact standard normal (Box–Muller), for the cohort's parameters.</summary>
    public double Gaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Fills with approximately standard-normal values, fast: each is the centred, scaled sum of four 16-bit
    /// uniforms from one 64-bit draw (Irwin–Hall, variance 1, tails cut at ±3.46). Used for per-frame feature
    /// noise, where billions of values are needed and the exact tail shape does not matter.
    /// </summary>
    public void FillApproxGaussian(Span<float> destination, float scale)
    {
        // Four U(0, 65536) sum to mean 2·65536 and variance 65536²/3: centre and multiply by √3/65536.
        float k = scale * 1.7320508f / 65536f;
        const float centre = 2f * 65536f;
        for (int i = 0; i < destination.Length; i++)
        {
            ulong r = Next();
            float sum = (float)(r & 0xFFFF) + (float)((r >> 16) & 0xFFFF) + (float)((r >> 32) & 0xFFFF) + (float)(r >> 48);
            destination[i] = (sum - centre) * k;
        }
    }
}
