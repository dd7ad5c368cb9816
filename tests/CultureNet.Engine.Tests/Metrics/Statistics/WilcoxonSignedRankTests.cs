using CultureNet.Engine.Metrics.Statistics;

namespace CultureNet.Engine.Tests.Metrics.Statistics;

/// <summary>The signed-rank test against scipy.stats.wilcoxon's defaults (Debian's scipy), on both of its paths.</summary>
public class WilcoxonSignedRankTests
{
    private const double Tolerance = 1e-12;

    private static double[] Zeros(int n) => new double[n];

    /// <summary>Each case's name says which of scipy's paths it takes.</summary>
    private static List<(string Name, double[] X, double[] Y, WilcoxonMethod Method)> Cases()
    {
        var random = new Random(31337);
        double[] Scores(int n, double offset, double spread) =>
            Enumerable.Range(0, n).Select(_ => offset + spread * (random.NextDouble() - 0.5)).ToArray();
        double[] Shifted(double[] x, double shift, double noise) => x.Select(v => v + shift + noise * (random.NextDouble() - 0.5)).ToArray();

        var cases = new List<(string, double[], double[], WilcoxonMethod)>
        {
            ("exact-small", [1, 2, 3.5, 4, 5, 6.25], [0, 2.5, 1, 7, 1, 2], WilcoxonMethod.Exact),
            ("exact-two-pairs-centre", [1, 0], [0, 2], WilcoxonMethod.Exact),
            ("exact-two-pairs-upper", [0, 2], [1, 0], WilcoxonMethod.Exact),
            ("exact-all-positive", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Zeros(10), WilcoxonMethod.Exact),
            // Ties but no zeros: scipy 1.10 stays exact, at the floor of a half-integer W+.
            ("exact-ties-half-rank", [1, -1, 2, 2, -3, 0.5, 0.5, 4], Zeros(8), WilcoxonMethod.Exact),
            ("exact-ties-mixed-signs", [1, -1, 1, -1, 1], Zeros(5), WilcoxonMethod.Exact),
            ("exact-all-tied-same-sign", [0.3, 0.3, 0.3, 0.3, 0.3, 0.3], Zeros(6), WilcoxonMethod.Exact),
            ("normal-one-zero-one-pair", [0, 0.5], Zeros(2), WilcoxonMethod.Normal),
            ("normal-zeros-and-ties", [0, 0, 1, -1, 2, 2, -2, 3, 0.5, -0.5, 4, 5], Zeros(12), WilcoxonMethod.Normal),
            ("normal-zeros-all-tied", [0, 0.25, 0.25, -0.25, 0.25], Zeros(5), WilcoxonMethod.Normal),
        };
        var children17 = Scores(17, 0.3, 0.4);
        cases.Add(("exact-17-children", Shifted(children17, 0.05, 0.2), children17, WilcoxonMethod.Exact));
        var children18 = Scores(18, 0.1, 0.6);
        cases.Add(("exact-18-children-null", Shifted(children18, 0, 0.3), children18, WilcoxonMethod.Exact));
        var fifty = Scores(50, 0, 2);
        cases.Add(("exact-50-cutoff", Shifted(fifty, 0.2, 1), fifty, WilcoxonMethod.Exact));
        var fiftyOne = Scores(51, 0, 2);
        cases.Add(("normal-51-past-cutoff", Shifted(fiftyOne, 0.2, 1), fiftyOne, WilcoxonMethod.Normal));
        // Many pairs, rounded differences: ties everywhere and zeros.
        var rounded = Enumerable.Range(0, 300).Select(_ => Math.Round(4 * (random.NextDouble() - 0.4)) / 4).ToArray();
        cases.Add(("normal-300-rounded-ties-zeros", rounded, Zeros(300), WilcoxonMethod.Normal));
        var large = Scores(120, 0.5, 1);
        cases.Add(("normal-120-no-ties", Shifted(large, -0.03, 0.4), large, WilcoxonMethod.Normal));
        return cases;
    }

    [Fact]
    public void Statistic_and_p_value_equal_scipy_on_the_exact_and_normal_paths()
    {
        var cases = Cases();
        var reference = StatisticsOracle.Evaluate(wilcoxon: cases.Select(c => (c.X, c.Y))).Wilcoxon;
        Assert.Equal(cases.Count, reference.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            var (name, x, y, method) = cases[i];
            var ours = WilcoxonSignedRank.Test(x, y);
            var r = reference[i];
            Assert.True(ours.IsDefined, $"{name}: {ours.Reason}");
            Assert.True(method == ours.Method, $"{name}: method {ours.Method}, expected {method}");
            Assert.True(Math.Abs(r.Statistic!.Value - ours.Statistic) <= Tolerance, $"{name}: statistic {ours.Statistic} vs scipy {r.Statistic}");
            Assert.True(Math.Abs(r.PValue!.Value - ours.PValue) <= Tolerance, $"{name}: p {ours.PValue:R} vs scipy {r.PValue:R}");
            if (method == WilcoxonMethod.Normal)
                Assert.True(Math.Abs(r.Z!.Value - ours.Z) <= Tolerance, $"{name}: z {ours.Z:R} vs scipy {r.Z:R}");
            else
                Assert.True(double.IsNaN(ours.Z), name);
        }
    }

    [Fact]
    public void All_zero_differences_are_undefined_with_a_reason_where_scipy_raises()
    {
        var reference = StatisticsOracle.Evaluate(wilcoxon: [([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])]).Wilcoxon.Single();
        Assert.Null(reference.PValue);
        var ours = WilcoxonSignedRank.Test([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
        Assert.False(ours.IsDefined);
        Assert.Equal("every difference is zero", ours.Reason);
        Assert.Equal((3, 0, WilcoxonMethod.None), (ours.Pairs, ours.NonZero, ours.Method));
        Assert.True(double.IsNaN(ours.PValue) && double.IsNaN(ours.Statistic));
    }

    [Fact]
    public void Hand_cases_one_pair_no_pairs_and_non_finite_scores()
    {
        // One nonzero difference: W+ is 0 or 1 of a two-point distribution, the two-sided p-value is 1.
        foreach (double d in new[] { 0.7, -0.7 })
        {
            var one = WilcoxonSignedRank.Test([d]);
            Assert.Equal((0.0, 1.0, WilcoxonMethod.Exact, 1), (one.Statistic, one.PValue, one.Method, one.NonZero));
        }
        var none = WilcoxonSignedRank.Test(ReadOnlySpan<double>.Empty);
        Assert.Equal("no pairs", none.Reason);
        Assert.True(double.IsNaN(none.PValue));
        var nan = WilcoxonSignedRank.Test([0.1, double.NaN, 0.3], [0, 0, 0]);
        Assert.False(nan.IsDefined);
        Assert.Contains("not finite", nan.Reason);
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Test([1.0, 2.0], [1.0]));
    }

    [Fact]
    public void All_tied_differences_by_hand()
    {
        // Six equal positive differences: every rank is 3.5, W+ = 21 = n(n+1)/2, W− = 0; the exact upper tail at 21 is
        // the one all-positive sign pattern of 2⁶, so p = 2/64.
        var tied = WilcoxonSignedRank.Test([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
        Assert.Equal((0.0, 2.0 / 64, WilcoxonMethod.Exact), (tied.Statistic, tied.PValue, tied.Method));
        // With a zero the normal approximation takes over: n = 4 tied ranks of 2.5, W− = 0, mean n(n+1)/4 = 5,
        // σ² = (4·5·9 − ½·4·(4² − 1)) / 24 = 6.25, z = −5/2.5 = −2, p = 2·Φ(−2).
        var withZero = WilcoxonSignedRank.Test([0, 0.3, 0.3, 0.3, 0.3]);
        Assert.Equal((WilcoxonMethod.Normal, 4, 0.0, -2.0), (withZero.Method, withZero.NonZero, withZero.Statistic, withZero.Z));
        Assert.Equal(0.04550026389635839, withZero.PValue, 15); // scipy
    }
}
