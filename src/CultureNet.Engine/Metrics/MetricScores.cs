namespace CultureNet.Engine.Metrics;

/// <summary>The four scores of one child on its test frames: ICC(3,1), CCC and PC as fractions in [−1, 1], and MAE.</summary>
public readonly record struct MetricScores(double Icc, double Ccc, double Pc, double Mae)
{
    public static MetricScores Compute(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        return Compute(MetricInput.Widen(labels), MetricInput.Widen(predictions));
    }

    public static MetricScores Compute(ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions) => new(
        IntraclassCorrelation.Icc31(labels, predictions),
        ConcordanceCorrelation.Ccc(labels, predictions),
        PearsonCorrelation.Pc(labels, predictions),
        MeanAbsoluteError.Mae(labels, predictions));
}
