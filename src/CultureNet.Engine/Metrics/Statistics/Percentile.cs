namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// <c>numpy.percentile</c>'s default ("linear", Hyndman and Fan's method 7), operation for operation so that results
/// are bit-identical: q = percent / 100, h = (n − 1)·q, i = ⌊h⌋, g = h − i; with a = x₍ᵢ₎ and b = x₍ᵢ₊₁₎ the value is
/// a + (b − a)·g when g &lt; ½ and b − (b − a)·(1 − g) otherwise; h ≥ n − 1 gives the maximum.
/// </summary>
public static class Percentile
{
    /// <param name="sorted">Finite values in ascending order.</param>
    /// <param name="percent">In [0, 100].</param>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty) throw new ArgumentException("the percentile of no values");
        if (!(percent is >= 0 and <= 100)) throw new ArgumentOutOfRangeException(nameof(percent), percent, "a percentile is in [0, 100]");
        int n = sorted.Length;
        double h = (n - 1) * (percent / 100);
        if (h >= n - 1) return sorted[n - 1];
        double floor = Math.Floor(h);
        int i = (int)floor;
        double g = h - floor;
        double a = sorted[i], b = sorted[i + 1], span = b - a;
        return g >= 0.5 ? b - span * (1 - g) : a + span * g;
    }
}
