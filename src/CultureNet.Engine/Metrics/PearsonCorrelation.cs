namespace CultureNet.Engine.Metrics;

/// <summary>
/// Pearson's correlation coefficient (the paper's PC), computed in double like <c>scipy.stats.pearsonr</c>:
/// centred vectors, normalised, dot product, clipped to [−1, 1].
/// </summary>
/// <remarks>
/// Where scipy returns NaN — a constant vector (typical for a collapsed model that predicts one value), fewer than two
/// elements, non-finite inputs — this returns 0: no linear relationship can be measured, and the reference's
/// "undefined counts as 0" convention for the ICC is applied to all three correlations so that a per-child mean over
/// runs never turns into NaN.
/// </remarks>
public static class PearsonCorrelation
{
    public static double Pc(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        return Pc(MetricInput.Widen(labels), MetricInput.Widen(predictions));
    }

    public static double Pc(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) =>
        MetricInput.DefinedOrZero(PcUndefined(labels, predictions));

    /// <summary><c>scipy.stats.pearsonr</c>'s r: NaN for fewer than two elements or a constant vector (scipy checks for
    /// exactly equal elements before centring, where rounding could leave a tiny nonzero norm).</summary>
    internal static double PcScipy(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) =>
        IsConstant(labels) || IsConstant(predictions) ? double.NaN : PcUndefined(labels, predictions);

    /// <summary>r, NaN where a norm is zero or not finite.</summary>
    private static double PcUndefined(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        int n = labels.Length;
        if (n < 2) return double.NaN;
        double mx = MetricInput.Mean(labels), my = MetricInput.Mean(predictions);
        double sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = labels[i] - mx, dy = predictions[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
        }
        double nx = Math.Sqrt(sxx), ny = Math.Sqrt(syy);
        if (!(nx > 0) || !(ny > 0) || !double.IsFinite(nx) || !double.IsFinite(ny)) return double.NaN;
        double r = 0;
        for (int i = 0; i < n; i++) r += (labels[i] - mx) / nx * ((predictions[i] - my) / ny);
        return Math.Clamp(r, -1.0, 1.0);
    }

    private static bool IsConstant(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
            if (v != values[0]) return false;
        return true;
    }
}
