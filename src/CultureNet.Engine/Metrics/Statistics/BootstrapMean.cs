using CultureNet.Engine.Determinism;

namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// Seeded percentile bootstrap of a mean over units (children): resample the n values with replacement B times, take
/// each resample's mean, and read the interval off the percentiles of the B means.
/// </summary>
/// <remarks>
/// The draw order is part of the contract, so that an independent implementation reproduces every endpoint exactly:
/// <list type="number">
/// <item>The stream is <see cref="DeterministicRandom"/> seeded with <c>seed</c>: SplitMix64 with state = seed, each
/// output state += 0x9E3779B97F4A7C15, z = state, z = (z ^ z≫30)·0xBF58476D1CE4E5B9, z = (z ^ z≫27)·0x94D049BB133111EB,
/// output z ^ z≫31 (all mod 2⁶⁴).</item>
/// <item>An index in [0, n) is <see cref="DeterministicRandom.NextInt"/>: the next output x, redrawn while
/// x ≥ L = (2⁶⁴ − 1) − (2⁶⁴ − 1) mod n, then x mod n.</item>
/// <item>For b = 0 … B − 1, for i = 0 … n − 1: index k = NextInt(n); the b-th mean is ((v[k₀] + v[k₁]) + …) / n, summed
/// left to right in draw order in double.</item>
/// <item>The B means sorted ascending; the endpoints are their <see cref="Percentile"/>s (numpy's linear definition),
/// 2.5 and 97.5 for the 95% interval.</item>
/// </list>
/// Undefined (NaN with a reason): no values, a non-finite value, or constant values (one value included), whose
/// bootstrap distribution is a single point.
/// </remarks>
public static class BootstrapMean
{
    public const int DefaultResamples = 10_000;

    public static BootstrapInterval Interval(ReadOnlySpan<double> values, ulong seed, int resamples = DefaultResamples,
        double lowerPercent = 2.5, double upperPercent = 97.5)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "at least one resample");
        if (!(lowerPercent is >= 0 and <= 100) || !(upperPercent is >= 0 and <= 100) || lowerPercent > upperPercent)
            throw new ArgumentOutOfRangeException(nameof(lowerPercent), $"percentiles {lowerPercent}, {upperPercent}: expected 0 ≤ lower ≤ upper ≤ 100");
        BootstrapInterval Undefined(string reason) => new(double.NaN, double.NaN, resamples, seed, reason);
        int n = values.Length;
        if (n == 0) return Undefined("no values");
        foreach (double v in values)
            if (!double.IsFinite(v)) return Undefined("a value is not finite");
        bool constant = true;
        foreach (double v in values) constant &= v == values[0];
        if (constant) return Undefined(n == 1 ? "one value: the bootstrap distribution is a single point" : "constant values: the bootstrap distribution is a single point");

        var means = Means(values, seed, resamples);
        Array.Sort(means);
        return new BootstrapInterval(Percentile.OfSorted(means, lowerPercent), Percentile.OfSorted(means, upperPercent), resamples, seed, null);
    }

    /// <summary>The B resample means in draw order (see the remarks).</summary>
    public static double[] Means(ReadOnlySpan<double> values, ulong seed, int resamples)
    {
        int n = values.Length;
        var random = new DeterministicRandom(seed);
        var means = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[random.NextInt(n)];
            means[b] = sum / n;
        }
        return means;
    }
}
