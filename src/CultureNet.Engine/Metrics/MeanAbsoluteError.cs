namespace CultureNet.Engine.Metrics;

/// <summary>Mean absolute error <c>Σ|y − ŷ| / n</c>, computed in double.</summary>
/// <remarks>Throws for empty input (there is no error to average). A NaN or ±∞ input gives NaN or ∞: unlike the
/// correlations, an MAE is never replaced by a number, so a diverged model stays visible.</remarks>
public static class MeanAbsoluteError
{
    public static double Mae(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        return Mae(MetricInput.Widen(labels), MetricInput.Widen(predictions));
    }

    public static double Mae(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        if (labels.Length == 0) throw new ArgumentException("MAE of an empty set of frames is undefined");
        double sum = 0;
        for (int i = 0; i < labels.Length; i++) sum += Math.Abs(labels[i] - predictions[i]);
        return sum / labels.Length;
    }
}
