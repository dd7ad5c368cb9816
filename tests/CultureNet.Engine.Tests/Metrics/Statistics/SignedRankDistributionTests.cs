using CultureNet.Engine.Metrics.Statistics;

namespace CultureNet.Engine.Tests.Metrics.Statistics;

public class SignedRankDistributionTests
{
    [Fact]
    public void Counts_are_the_subset_sums_of_one_to_n()
    {
        // n = 3: subsets of {1, 2, 3} by sum: {} | {1} | {2} | {3}, {1,2} | {1,3} | {2,3} | {1,2,3}.
        var three = new SignedRankDistribution(3);
        Assert.Equal(new long[] { 1, 1, 1, 2, 1, 1, 1 }, Enumerable.Range(0, 7).Select(three.Count));
        // Brute force over all 2ⁿ sign patterns for n = 12.
        const int n = 12;
        var brute = new long[n * (n + 1) / 2 + 1];
        for (int mask = 0; mask < 1 << n; mask++)
        {
            int sum = 0;
            for (int k = 0; k < n; k++) if ((mask >> k & 1) != 0) sum += k + 1;
            brute[sum]++;
        }
        var twelve = new SignedRankDistribution(n);
        Assert.Equal(brute, Enumerable.Range(0, brute.Length).Select(twelve.Count));
        Assert.Equal(1.0, twelve.AtMost(twelve.MaxSum));
        Assert.Equal(brute.Take(11).Sum() / 4096.0, twelve.AtMost(10));
    }

    [Fact]
    public void Fifty_pairs_stay_exact_and_symmetric()
    {
        var fifty = new SignedRankDistribution(50);
        Assert.Equal(1275, fifty.MaxSum);
        Assert.Equal(Math.ScaleB(1, -50), fifty.AtMost(0));
        for (int s = 0; s <= fifty.MaxSum; s++) Assert.Equal(fifty.Count(s), fifty.Count(fifty.MaxSum - s));
        Assert.Equal(1L << 50, Enumerable.Range(0, fifty.MaxSum + 1).Sum(s => fifty.Count(s)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignedRankDistribution(51));
    }
}
