using MathNet.Numerics;

namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// The Wilcoxon signed-rank test on paired scores, two-sided, reproducing <c>scipy.stats.wilcoxon(x, y)</c> with its
/// defaults as of scipy 1.10 (zero_method="wilcox", correction=False, alternative="two-sided", method="auto"):
/// <list type="bullet">
/// <item>d = x − y; pairs with d = 0 are dropped before ranking; |d| is ranked with ties sharing their mean rank.</item>
/// <item>statistic T = min(W+, W−).</item>
/// <item>Exact method when there are at most 50 pairs and no zero difference: p = 2·min(P(W+ ≤ w), P(W+ ≥ w)) under the
/// exact null distribution of W+, with w = ⌊W+⌋, and p = 1 when w is the distribution's centre ⌊n(n+1)/4⌋. Ties do not
/// switch to the normal approximation in scipy 1.10 (its documentation: "'exact' is used when len(d) ≤ 50 and there
/// are no zeros"); the p-value is then the untied distribution's at ⌊W+⌋, as there.</item>
/// <item>Otherwise the normal approximation: z = (T − n(n+1)/4) / σ, σ² = [n(n+1)(2n+1) − ½ Σ t(t² − 1)] / 24 over the
/// tie groups of sizes t among the n nonzero |d|, no continuity correction; p = 2·Φ(−|z|).</item>
/// </list>
/// Undefined cases give NaN with a reason, never an exception: no pairs, a non-finite difference, or every
/// difference zero.
/// </summary>
public static class WilcoxonSignedRank
{
    /// <summary>scipy's 'auto' cut-off: the exact distribution for at most this many pairs.</summary>
    public const int ExactMaxPairs = SignedRankDistribution.MaxN;

    public static WilcoxonResult Test(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"paired samples must have the same length (got {x.Length} and {y.Length})");
        var d = new double[x.Length];
        for (int i = 0; i < d.Length; i++) d[i] = x[i] - y[i];
        return Test(d);
    }

    /// <summary>The test on the differences d = x − y themselves.</summary>
    public static WilcoxonResult Test(ReadOnlySpan<double> differences)
    {
        int pairs = differences.Length;
        if (pairs == 0) return WilcoxonResult.Undefined(0, 0, "no pairs");
        foreach (double v in differences)
            if (!double.IsFinite(v)) return WilcoxonResult.Undefined(pairs, 0, "a difference is not finite (NaN or infinite score)");

        var nonZero = new List<double>(pairs);
        foreach (double v in differences)
            if (v != 0) nonZero.Add(v);
        int n = nonZero.Count;
        if (n == 0) return WilcoxonResult.Undefined(pairs, 0, "every difference is zero");

        var absolute = new double[n];
        for (int i = 0; i < n; i++) absolute[i] = Math.Abs(nonZero[i]);
        var (ranks, tieGroups) = AverageRanks.Of(absolute);
        double plus = 0, minus = 0;
        for (int i = 0; i < n; i++)
        {
            if (nonZero[i] > 0) plus += ranks[i];
            else minus += ranks[i];
        }
        double statistic = Math.Min(plus, minus);

        bool exact = pairs <= ExactMaxPairs && n == pairs;
        return exact
            ? new WilcoxonResult(statistic, ExactPValue(n, plus), WilcoxonMethod.Exact, pairs, n, double.NaN, null)
            : NormalApproximation(statistic, n, tieGroups, pairs);
    }

    private static double ExactPValue(int n, double plus)
    {
        var distribution = new SignedRankDistribution(n);
        int w = (int)Math.Floor(plus);
        if (w == distribution.MaxSum / 2) return 1.0;
        double p = 2 * Math.Min(distribution.AtMost(w), distribution.AtLeast(w));
        return Math.Clamp(p, 0.0, 1.0);
    }

    private static WilcoxonResult NormalApproximation(double statistic, int n, int[] tieGroups, int pairs)
    {
        double mean = n * (n + 1.0) * 0.25;
        double variance = n * (n + 1.0) * (2.0 * n + 1.0);
        long tieSum = 0;
        foreach (long t in tieGroups)
            if (t > 1) tieSum += t * (t * t - 1);
        variance -= 0.5 * tieSum;
        double sd = Math.Sqrt(variance / 24);
        double z = (statistic - mean) / sd;
        // 2·Φ(−|z|) = erfc(|z|/√2).
        double p = SpecialFunctions.Erfc(Math.Abs(z) * Constants.Sqrt1Over2);
        return new WilcoxonResult(statistic, p, WilcoxonMethod.Normal, pairs, n, z, null);
    }
}
