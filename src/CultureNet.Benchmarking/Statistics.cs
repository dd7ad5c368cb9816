namespace CultureNet.Benchmarking;

/// <summary>Summaries of repeated measurements.</summary>
public static class Statistics
{
    /// <summary>The middle value (mean of the two middle values for an even count); NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : (sorted[sorted.Length / 2] + sorted[(sorted.Length - 1) / 2]) / 2;
    }
}
