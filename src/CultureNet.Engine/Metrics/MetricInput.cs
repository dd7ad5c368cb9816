namespace CultureNet.Engine.Metrics;

/// <summary>Argument checks and float→double widening shared by the metrics.</summary>
internal static class MetricInput
{
    public static void CheckPair(int labels, int predictions)
    {
        if (labels != predictions)
            throw new ArgumentException($"labels and predictions must have the same length (got {labels} labels and {predictions} predictions)");
    }

    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>The reference convention: an undefined correlation (NaN or ±∞) counts as 0.</summary>
    public static double DefinedOrZero(double value) => double.IsFinite(value) ? value : 0.0;
}
