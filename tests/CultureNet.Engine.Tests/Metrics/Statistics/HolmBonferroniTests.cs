using CultureNet.Engine.Metrics.Statistics;

namespace CultureNet.Engine.Tests.Metrics.Statistics;

public class HolmBonferroniTests
{
    [Fact]
    public void Adjusted_p_values_equal_the_definition_in_numpy()
    {
        var random = new Random(77);
        var families = new List<double[]>
        {
            new[] { 0.01, 0.04, 0.03, 0.005 },
            new[] { 0.5, 0.5, 0.2 },
            new[] { 0.0, 1.0, 0.0 },
            new[] { 0.3 },
            new[] { 0.012, 0.012, 0.012, 0.4, 0.011 },
        };
        for (int f = 0; f < 20; f++)
        {
            int m = 1 + random.Next(12);
            // Small, sometimes repeated p-values, like exact signed-rank p-values of few children.
            families.Add(Enumerable.Range(0, m).Select(_ => random.Next(3) == 0 ? 0.03125 * (1 + random.Next(4)) : Math.Pow(random.NextDouble(), 3)).ToArray());
        }
        var reference = StatisticsOracle.Evaluate(holm: families).Holm;
        for (int f = 0; f < families.Count; f++)
        {
            var ours = HolmBonferroni.Adjust(families[f]);
            Assert.Equal(families[f].Length, ours.Length);
            for (int i = 0; i < ours.Length; i++)
                Assert.True(Math.Abs(reference[f][i] - ours[i]) <= 1e-12, $"family {f} entry {i}: {ours[i]:R} vs {reference[f][i]:R}");
        }
    }

    [Fact]
    public void Step_down_by_hand_monotone_capped_and_nan_outside_the_family()
    {
        // Sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max(0.06, 0.04) = 0.06.
        Assert.Equal(new[] { 0.03, 0.06, 0.06, 0.02 }, HolmBonferroni.Adjust([0.01, 0.04, 0.03, 0.005]));
        Assert.Equal(new[] { 1.0, 1.0 }, HolmBonferroni.Adjust([0.6, 0.9]));
        // An undefined test is not counted: the family is the other two (m = 2).
        var adjusted = HolmBonferroni.Adjust([0.02, double.NaN, 0.04]);
        Assert.Equal(0.04, adjusted[0]);
        Assert.True(double.IsNaN(adjusted[1]));
        Assert.Equal(0.04, adjusted[2]);
        Assert.Empty(HolmBonferroni.Adjust(ReadOnlySpan<double>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmBonferroni.Adjust([0.5, 1.5]));
    }
}
