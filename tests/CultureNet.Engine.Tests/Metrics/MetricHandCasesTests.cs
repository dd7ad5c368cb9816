using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Tests.Metrics;

/// <summary>Small cases computed by hand, and the documented conventions for degenerate input.</summary>
public class MetricHandCasesTests
{
    // labels y = [1, 2, 3], predictions p = [2, 2, 4].
    // Means 2 and 8/3. Centred: y' = [−1, 0, 1], p' = [−2/3, −2/3, 4/3].
    // Sxx = 2, Spp = 4/9 + 4/9 + 16/9 = 8/3, Sxy = 2/3 + 0 + 4/3 = 2.
    private static readonly double[] Y = [1, 2, 3];
    private static readonly double[] P = [2, 2, 4];

    [Fact]
    public void Pearson_hand_case()
    {
        // r = Sxy / sqrt(Sxx·Spp) = 2 / sqrt(16/3) = sqrt(3)/2.
        Assert.Equal(Math.Sqrt(3) / 2, PearsonCorrelation.Pc(Y, P), 12);
    }

    [Fact]
    public void Ccc_hand_case()
    {
        // Population moments: cov = 2/3, var y = 2/3, var p = 8/9, (mean diff)² = 4/9.
        // CCC = (4/3) / (2/3 + 8/9 + 4/9) = (4/3) / 2 = 2/3.
        Assert.Equal(2.0 / 3.0, ConcordanceCorrelation.Ccc(Y, P), 12);
    }

    [Fact]
    public void Icc_hand_case()
    {
        // Two raters, n = 3 targets. Row means m = [1.5, 2, 3.5], grand mean 7/3.
        // SSR = 2·Σ(m − 7/3)² = 2·(25/36 + 1/9 + 49/36) = 13/3, MSR = 13/6.
        // Column means 2 and 8/3; residuals e = y − m − c + g: rater y: [−1/6, 1/3, −1/6], rater p: [1/6, −1/3, 1/6].
        // SSE = 2·(1/36 + 1/9 + 1/36) = 1/3, MSE = 1/6 (df 2). ICC = (13/6 − 1/6) / (13/6 + 1/6) = 12/14 = 6/7.
        Assert.Equal(6.0 / 7.0, IntraclassCorrelation.Icc31(Y, P), 12);
    }

    [Fact]
    public void Icc_is_consistency_so_a_constant_offset_keeps_it_at_one_while_ccc_drops()
    {
        double[] y = [0.1, 0.4, -0.2, 0.8];
        double[] shifted = y.Select(v => v + 0.5).ToArray();
        Assert.Equal(1.0, IntraclassCorrelation.Icc31(y, shifted), 12);
        Assert.Equal(1.0, PearsonCorrelation.Pc(y, shifted), 12);
        Assert.True(ConcordanceCorrelation.Ccc(y, shifted) < 0.9);
    }

    [Fact]
    public void Mae_hand_case()
    {
        Assert.Equal(2.0 / 3.0, MeanAbsoluteError.Mae(Y, P), 12);
    }

    [Fact]
    public void Perfect_predictions_score_one_and_zero_error()
    {
        double[] y = [0.3, -0.6, 0.9, 0.1];
        var s = MetricScores.Compute(y, y);
        Assert.Equal(1.0, s.Icc, 12);
        Assert.Equal(1.0, s.Ccc, 12);
        Assert.Equal(1.0, s.Pc, 12);
        Assert.Equal(0.0, s.Mae);
    }

    [Fact]
    public void Constant_predictions_give_zero_correlations_and_a_finite_mae()
    {
        float[] labels = [0.2f, 0.9f, -0.4f, 0.5f];
        float[] constant = [0.3f, 0.3f, 0.3f, 0.3f];
        var s = MetricScores.Compute(labels, constant);
        Assert.Equal(0.0, s.Icc);
        Assert.Equal(0.0, s.Ccc);
        Assert.Equal(0.0, s.Pc);
        Assert.Equal((0.1 + 0.6 + 0.7 + 0.2) / 4, s.Mae, 6);
    }

    [Fact]
    public void Both_constant_and_equal_counts_as_zero_not_nan()
    {
        double[] same = [0.5, 0.5, 0.5];
        var s = MetricScores.Compute(same, same);
        Assert.Equal(0.0, s.Icc);
        Assert.Equal(0.0, s.Ccc);
        Assert.Equal(0.0, s.Pc);
        Assert.Equal(0.0, s.Mae);
    }

    [Fact]
    public void Non_finite_predictions_zero_the_correlations_and_show_in_the_mae()
    {
        double[] y = [0.1, 0.2, 0.3];
        double[] p = [0.1, double.NaN, 0.3];
        var s = MetricScores.Compute(y, p);
        Assert.Equal(0.0, s.Icc);
        Assert.Equal(0.0, s.Ccc);
        Assert.Equal(0.0, s.Pc);
        Assert.True(double.IsNaN(s.Mae));
    }

    [Fact]
    public void A_single_frame_has_no_correlation()
    {
        var s = MetricScores.Compute(new double[] { 0.4 }, new double[] { 0.1 });
        Assert.Equal(0.0, s.Icc);
        Assert.Equal(0.0, s.Pc);
        Assert.Equal(0.3, s.Mae, 12);
    }

    [Fact]
    public void Mismatched_lengths_and_empty_mae_are_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => PearsonCorrelation.Pc(new double[] { 1, 2 }, new double[] { 1 }));
        Assert.Throws<ArgumentException>(() => IntraclassCorrelation.Icc31(new float[] { 1, 2 }, new float[] { 1 }));
        Assert.Throws<ArgumentException>(() => MeanAbsoluteError.Mae(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
    }
}
