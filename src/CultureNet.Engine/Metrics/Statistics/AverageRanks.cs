namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// Ranks 1…n with tied values sharing the mean of their positions (<c>scipy.stats.rankdata</c>'s "average"), and the
/// sizes of the tie groups, which the signed-rank test's variance correction needs.
/// </summary>
internal static class AverageRanks
{
    /// <returns>The rank of each value (multiples of ½) and the size of every group of tied values (singletons included).</returns>
    public static (double[] Ranks, int[] TieGroupSizes) Of(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = values.ToArray();
        Array.Sort(keys, order);
        var ranks = new double[n];
        var groups = new List<int>();
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            // Positions start+1 … end share their mean rank, exactly (start + 1 + end) / 2 as rankdata computes it.
            double rank = 0.5 * (start + 1 + end);
            for (int k = start; k < end; k++) ranks[order[k]] = rank;
            groups.Add(end - start);
            start = end;
        }
        return (ranks, groups.ToArray());
    }
}
