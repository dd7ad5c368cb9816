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

    public static ChildSplit Split(CohortMetadata cohort, ChildId child, SplitMode mode, long seed, int run,
        ProtocolConventions conventions = ProtocolConventions.Paper)
    {
        var range = cohort.RangeOf(child);
        int n = range.Count;
        if (n < MinimumFrames)
            throw new CultureNetException(
                $"{cohort.Source}: child {child} has {n} frames; a 20/80 split needs at least {MinimumFrames} (2 training frames in p2 and the rest in p1)");
        int p2Count = P2Count(n);
        int siTrainCount = n * 4 / 5;
        if (conventions == ProtocolConventions.Reference)
        {
            if (mode != SplitMode.Contiguous)
                throw new CultureNetException("--split random: the released code has no random split; use --conventions paper for it");
            return ReleasedSplit(child, range.ToArray());
        }
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

    /// <summary>
    /// The released <c>load_data</c>'s parts, in its double arithmetic: p2 = <c>[0, int(n*0.2))</c>, SI training rows
    /// <c>[0, int(n*0.8))</c>, SI validation rows <c>[int(n*0.8), n)</c>, test rows <c>[int(n*(1-0.8)), n)</c>. 1 − 0.8 is
    /// 0.19999999999999996, so the test rows start one frame early when 5 divides n (that frame is also in p2).
    /// </summary>
    private static ChildSplit ReleasedSplit(ChildId child, int[] rows)
    {
        int n = rows.Length;
        int p2 = (int)(n * 0.2), siTrain = (int)(n * 0.8), testStart = (int)(n * (1 - 0.8));
        return new ChildSplit(child, n, p2Order: rows[..p2], p1: rows[testStart..], siTrainOrder: rows[..siTrain],
            siValidation: rows[siTrain..]);
    }

    public static IReadOnlyDictionary<ChildId, ChildSplit> SplitAll(CohortMetadata cohort, SplitMode mode, long seed, int run,
        ProtocolConventions conventions = ProtocolConventions.Paper) =>
        cohort.Children.ToDictionary(c => c, c => Split(cohort, c, mode, seed, run, conventions));
}
