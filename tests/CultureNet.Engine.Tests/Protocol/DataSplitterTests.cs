using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Cohort;

namespace CultureNet.Engine.Tests.Protocol;

public class DataSplitterTests
{
    private static readonly CohortMetadata Cohort = TestCohorts.Reference(frames: 53);
    private static readonly ChildId Child = new(0, 7);

    [Fact]
    public void Contiguous_split_is_first_20_percent_p2_last_80_percent_p1_as_the_released_code()
    {
        var range = Cohort.RangeOf(Child);
        var s = DataSplitter.Split(Cohort, Child, SplitMode.Contiguous, seed: 1, run: 1);
        // int(53 * 0.2) = 10 → p2 = first 10 frames; test = rows[int(53*0.2):].
        Assert.Equal(Enumerable.Range(range.Start, 10), s.P2);
        Assert.Equal(Enumerable.Range(range.Start + 10, 43), s.P1);
        // SI use of a training child: int(53*0.8) = 42 → train first 42, validate the last 11.
        Assert.Equal(Enumerable.Range(range.Start, 42), s.SiTrain);
        Assert.Equal(Enumerable.Range(range.Start + 42, 11), s.SiValidation);
        // The M6 analysis takes the first p% of frames; M1's data analysis the first p% of SiTrain.
        Assert.Equal(Enumerable.Range(range.Start, 2), s.P2Prefix(5));
        Assert.Equal(Enumerable.Range(range.Start, 21), s.SiTrainPrefix(50));
    }

    [Fact]
    public void Contiguous_split_does_not_depend_on_run_or_seed()
    {
        var a = DataSplitter.Split(Cohort, Child, SplitMode.Contiguous, seed: 1, run: 1);
        var b = DataSplitter.Split(Cohort, Child, SplitMode.Contiguous, seed: 99, run: 7);
        Assert.Equal(a.P2, b.P2);
        Assert.Equal(a.P1, b.P1);
    }

    [Fact]
    public void Random_split_partitions_the_child_and_is_reproducible_per_seed_and_run()
    {
        var range = Cohort.RangeOf(Child);
        var a = DataSplitter.Split(Cohort, Child, SplitMode.Random, seed: 5, run: 2);
        var again = DataSplitter.Split(Cohort, Child, SplitMode.Random, seed: 5, run: 2);
        Assert.Equal(a.P2, again.P2);
        Assert.Equal(10, a.P2.Length);
        Assert.Equal(43, a.P1.Length);
        Assert.Empty(a.P2.Intersect(a.P1));
        Assert.Equal(range.ToArray(), a.P2.Concat(a.P1).Order());
        Assert.True(a.P2.SequenceEqual(a.P2.Order()) && a.P1.SequenceEqual(a.P1.Order()));
        Assert.NotEqual(Enumerable.Range(range.Start, 10), a.P2);
        // SI use in random mode: train on p1, validate on p2 (the paper's text).
        Assert.Equal(a.P1, a.SiTrain);
        Assert.Equal(a.P2, a.SiValidation);
        // Prefixes are subsets of their part.
        Assert.Subset(a.P2.ToHashSet(), a.P2Prefix(10).ToHashSet());
        Assert.Equal(5, a.P2Prefix(10).Length);

        Assert.NotEqual(a.P2, DataSplitter.Split(Cohort, Child, SplitMode.Random, seed: 5, run: 3).P2);
        Assert.NotEqual(a.P2, DataSplitter.Split(Cohort, Child, SplitMode.Random, seed: 6, run: 2).P2);
        Assert.NotEqual(a.P2.Select(r => r - range.Start),
            DataSplitter.Split(Cohort, new ChildId(0, 8), SplitMode.Random, seed: 5, run: 2).P2.Select(r => r - Cohort.RangeOf(new ChildId(0, 8)).Start));
    }

    [Fact]
    public void A_child_with_too_few_frames_is_a_clear_error()
    {
        var cohort = TestCohorts.Build([(0, new[] { 1, 2 }), (1, new[] { 3, 4 })], c => c.Child == 4 ? 9 : 30);
        var e = Assert.Throws<CultureNetException>(() => DataSplitter.Split(cohort, new ChildId(1, 4), SplitMode.Contiguous, 1, 1));
        Assert.Contains("child C1/4 has 9 frames", e.Message);
        Assert.Contains("at least 10", e.Message);
        Assert.Contains("test-store", e.Message);
    }
}
