namespace CultureNet.Engine.Metrics;

/// <summary>
/// Lin's concordance correlation coefficient, as in the reference code:
/// <c>CCC = 2·cov(y, ŷ) / (var(y) + var(ŷ) + (mean(y) − mean(ŷ))²)</c> with population (1/n) moments. Computed in double.
/// </summary>
/// <remarks>
/// Constant predictions against varying labels give 0 (the covariance is 0). When the denominator is 0 (both series
/// constant and equal) or the inputs are non-finite or empty, CCC is undefined and counts as 0, the convention the
/// reference applies to the ICC.
/// </remarks>
public static class ConcordanceCorrelation
{
    public static double Ccc(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        return Ccc(MetricInput.Widen(labels), MetricInput.Widen(predictions));
    }

    public static double Ccc(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) =>
        MetricInput.DefinedOrZero(CccUndefined(labels, predictions));

    /// <summary>The CCC as numpy computes it: 0/0 (both series constant and equal, or no elements) is NaN.</summary>
    internal static double CccUndefined(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        int n = labels.Length;
        if (n == 0) return double.NaN;
        double my = MetricInput.Mean(labels), mp = MetricInput.Mean(predictions);
        double syy = 0, spp = 0, syp = 0;
        for (int i = 0; i < n; i++)
        {
            double dy = labels[i] - my, dp = predictions[i] - mp;
            syy += dy * dy;
            spp += dp * dp;
            syp += dy * dp;
        }
        double denominator = syy / n + spp / n + (my - mp) * (my - mp);
        return 2 * (syp / n) / denominator;
    }
}
