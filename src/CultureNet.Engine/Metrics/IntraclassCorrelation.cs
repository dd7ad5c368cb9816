namespace CultureNet.Engine.Metrics;

/// <summary>
/// ICC(3,1) between two "raters" — the gold labels and the model's predictions — as used by the CultureNet
/// reference code: consistency, single measures, from the two-way mixed ANOVA over n targets (frames) × k = 2 raters:
/// <c>ICC = (MSR − MSE) / (MSR + (k − 1)·MSE)</c>, MSR the between-targets mean square (df n − 1) and MSE the residual
/// mean square (df (n − 1)(k − 1)). Computed in double.
/// </summary>
/// <remarks>
/// Undefined results (NaN or ±∞: fewer than two frames, both series constant, non-finite inputs) count as 0, as in the
/// reference. The reference additionally drops frames whose label is exactly −1 (its "unknown label" marker) before the
/// ICC only; −1 is a valid engagement value on the [−1, 1] scale, so this implementation keeps every frame
/// (<see cref="ReleasedMetrics"/> follows the reference for <c>--conventions reference</c>).
/// The ICC is symmetric in the two raters.
/// </remarks>
public static class IntraclassCorrelation
{
    public static double Icc31(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        return Icc31(MetricInput.Widen(labels), MetricInput.Widen(predictions));
    }

    public static double Icc31(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) =>
        MetricInput.DefinedOrZero(Icc31Undefined(labels, predictions));

    /// <summary>The ICC as the ANOVA gives it: NaN or ±∞ where it is undefined (fewer than two frames, no variance).</summary>
    internal static double Icc31Undefined(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        int n = labels.Length;
        const int k = 2;
        if (n < 2) return double.NaN;

        double labelMean = MetricInput.Mean(labels);
        double predictionMean = MetricInput.Mean(predictions);
        double grand = (labelMean + predictionMean) / k;

        // Between targets: k · Σ (row mean − grand mean)²; residual: Σ (y_ij − row mean − column mean + grand mean)².
        double ssRows = 0, ssError = 0;
        for (int i = 0; i < n; i++)
        {
            double rowMean = (labels[i] + predictions[i]) / k;
            double d = rowMean - grand;
            ssRows += k * d * d;
            double e0 = labels[i] - rowMean - labelMean + grand;
            double e1 = predictions[i] - rowMean - predictionMean + grand;
            ssError += e0 * e0 + e1 * e1;
        }
        double msRows = ssRows / (n - 1);
        double msError = ssError / ((n - 1) * (k - 1));
        return (msRows - msError) / (msRows + (k - 1) * msError);
    }
}
