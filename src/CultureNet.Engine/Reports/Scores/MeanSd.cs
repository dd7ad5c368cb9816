namespace CultureNet.Engine.Reports.Scores;

/// <summary>Mean ± SD over children. SD is the population SD (1/n, numpy.std's default), as the reference's summary uses.</summary>
public readonly record struct MeanSd(double Mean, double Sd)
{
    public static MeanSd Of(IReadOnlyList<double> values, double scale = 1.0)
    {
        if (values.Count == 0) throw new ArgumentException("mean ± SD of no values");
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return new MeanSd(mean * scale, Math.Sqrt(variance) * scale);
    }

    /// <summary>"13.19±11.78" (two decimals, the paper's format).</summary>
    public string Format() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:F2}±{Sd:F2}");
}
