using CultureNet.Engine.Determinism;
using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>Divides every child's frames into p2 = 20% and p1 = 80% (see <see cref="SplitMode"/> and <see cref="ChildSplit"/>).</summary>
public static class DataSplitter
{
    /// <summary>p2 is ⌊n/5⌋ frames (the released code's <c>int(rows*0.2)</c>); the SI training part ⌊4n/5⌋.</summary>
    public static int P2Count(int frames) => frames / 5;

    /// <summary>The fewest frames a child may have: 2 in p2 (training) and 2 in p1 (a correlation needs two points).</summary>
    public const int MinimumFrames = 10;

    public static ChildSplit Split(CohortMetadata cohort, ChildId child, SplitMode mode, long seed, int run)
    {
        var range = cohort.RangeOf(child);
        int n = range.Count;
        if (n < MinimumFrames)
            throw new CultureNetException(
                $"{cohort.Source}: child {child} has {n} frames; a 20/80 split needs at least {MinimumFrames} (2 training frames in p2 and the rest in p1)");
        int p2Count = P2Count(n);
        int siTrainCount = n * 4 / 5;
        if (mode == SplitMode.Contiguous)
        {
            var rows = range.ToArray();
            return new ChildSplit(child, n,
                p2Order: rows[..p2Count],
                p1: rows[p2Count..],
                siTrainOrder: rows[..siTrainCount],
                siValidation: rows[siTrainCount..]);
        }

        var order = range.ToArray();
        new DeterministicRandom(SeedScheme.Derive64(seed, $"split/run{run:D2}/{child.Token}")).Shuffle(order.AsSpan());
        var p2Order = order[..p2Count];
        var p1Order = order[p2Count..];
        return new ChildSplit(child, n,
            p2Order: p2Order,
            p1: p1Order.Order().ToArray(),
            siTrainOrder: p1Order,
            siValidation: p2Order.Order().ToArray());
    }

    public static IReadOnlyDictionary<ChildId, ChildSplit> SplitAll(CohortMetadata cohort, SplitMode mode, long seed, int run) =>
        cohort.Children.ToDictionary(c => c, c => Split(cohort, c, mode, seed, run));
}
