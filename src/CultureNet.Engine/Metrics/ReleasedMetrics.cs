namespace CultureNet.Engine.Metrics;

/// <summary>
/// The four scores as the study's released code computes them (<c>utils.icc</c>, <c>scipy.stats.pearsonr</c>,
/// <c>utils.ccc</c>, <c>utils.mae</c>), in double: frames labelled exactly −1 (its "unknown" marker) are dropped before the
/// ICC, and a child left with none scores NaN; an undefined ICC of the rest (NaN, ±∞) is 0. PC and CCC stay NaN where
/// they are undefined (a constant vector, 0/0), so a NaN spreads into the child's mean over runs.
/// </summary>
public static class ReleasedMetrics
{
    /// <summary>The released code's "unknown label" marker.</summary>
    public const float UnknownLabel = -1f;

    public static MetricScores Compute(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        var y = MetricInput.Widen(labels);
        var p = MetricInput.Widen(predictions);
        return new MetricScores(Icc(labels, predictions).Value, ConcordanceCorrelation.CccUndefined(y, p),
            PearsonCorrelation.PcScipy(y, p), MeanAbsoluteError.Mae(y, p));
    }

    /// <summary>The released ICC and whether it fell back to 0 (the released code then writes the integer <c>0</c>).</summary>
    public static ReleasedIcc Icc(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
    {
        MetricInput.CheckPair(labels.Length, predictions.Length);
        var y = new List<double>(labels.Length);
        var p = new List<double>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == UnknownLabel) continue;
            y.Add(labels[i]);
            p.Add(predictions[i]);
        }
        if (y.Count == 0) return new ReleasedIcc(double.NaN, FellBackToZero: false);
        double icc = IntraclassCorrelation.Icc31Undefined(y.ToArray(), p.ToArray());
        return double.IsFinite(icc) ? new ReleasedIcc(icc, false) : new ReleasedIcc(0.0, FellBackToZero: true);
    }
}

/// <summary>The released ICC: its value, and whether that value is the fallback 0 of an undefined ICC.</summary>
public readonly record struct ReleasedIcc(double Value, bool FellBackToZero);
