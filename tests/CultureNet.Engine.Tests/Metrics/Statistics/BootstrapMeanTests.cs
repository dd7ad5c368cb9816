using CultureNet.Engine.Metrics.Statistics;

namespace CultureNet.Engine.Tests.Metrics.Statistics;

/// <summary>The bootstrap against a numpy re-implementation of its documented draw order: endpoints equal exactly.</summary>
public class BootstrapMeanTests
{
    [Fact]
    public void Interval_endpoints_equal_the_numpy_reimplementation_exactly()
    {
        var random = new Random(2024);
        var cases = new List<StatisticsOracle.BootstrapCase>
        {
            new([1, 2, 3, 4.5], ulong.MaxValue, 100),
            new([0.25, -0.5], 0, 10_000),
            new([0.1, 0.1, 0.7], 42, 1),
            new([5, 6], 7, 2),
        };
        foreach (int n in new[] { 3, 17, 18, 35 })
        {
            var values = Enumerable.Range(0, n).Select(_ => (double)(float)(random.NextDouble() * 0.8 - 0.1)).ToArray();
            cases.Add(new(values, (ulong)random.NextInt64() * 3 + 1, BootstrapMean.DefaultResamples));
        }
        cases.Add(new([0.3, 0.30000000000000004, 0.29999999999999993, 1e-17], 99, 999));
        var reference = StatisticsOracle.Evaluate(bootstrap: cases).Bootstrap;
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var ours = BootstrapMean.Interval(c.Values, c.Seed, c.Resamples);
            Assert.True(ours.IsDefined, ours.Reason);
            Assert.True(reference[i].Low == ours.Low, $"case {i}: low {ours.Low:R} vs {reference[i].Low:R}");
            Assert.True(reference[i].High == ours.High, $"case {i}: high {ours.High:R} vs {reference[i].High:R}");
            Assert.Equal((c.Resamples, c.Seed), (ours.Resamples, ours.Seed));
        }
    }

    [Fact]
    public void Interval_brackets_the_mean_and_depends_on_the_seed_only()
    {
        double[] values = [0.12, 0.4, 0.33, 0.05, 0.61, 0.27, 0.19, 0.44];
        var a = BootstrapMean.Interval(values, 11);
        Assert.Equal(a, BootstrapMean.Interval(values, 11));
        Assert.NotEqual(a, BootstrapMean.Interval(values, 12));
        Assert.InRange(values.Average(), a.Low, a.High);
        Assert.True(a.Low > values.Min() && a.High < values.Max());
        Assert.Equal(BootstrapMean.DefaultResamples, a.Resamples);
    }

    [Fact]
    public void Percentile_is_numpy_linear_by_hand()
    {
        double[] sorted = [1, 2, 4, 8];
        Assert.Equal(1, Percentile.OfSorted(sorted, 0));
        Assert.Equal(8, Percentile.OfSorted(sorted, 100));
        Assert.Equal(3, Percentile.OfSorted(sorted, 50)); // h = 1.5: 2 + (4 − 2)·0.5
        Assert.Equal(1.225, Percentile.OfSorted(sorted, 7.5), 15); // h = 0.225
        Assert.Equal(7.4, Percentile.OfSorted(sorted, 95), 14); // h = 2.85: 8 − 4·0.15
        Assert.Equal(5, Percentile.OfSorted([5.0], 2.5));
    }

    [Fact]
    public void Undefined_cases_are_nan_with_a_reason()
    {
        foreach (var (values, reason) in new (double[], string)[]
                 {
                     ([], "no values"),
                     ([0.4], "one value"),
                     ([0.2, 0.2, 0.2], "constant values"),
                     ([0.2, double.PositiveInfinity], "not finite"),
                 })
        {
            var interval = BootstrapMean.Interval(values, 1);
            Assert.False(interval.IsDefined);
            Assert.Contains(reason, interval.Reason);
            Assert.True(double.IsNaN(interval.Low) && double.IsNaN(interval.High));
        }
    }
}
