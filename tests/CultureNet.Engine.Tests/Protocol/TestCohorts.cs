using CultureNet.Engine.Cohort;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>Small in-memory cohorts laid out like the feature store: rows grouped by (culture, child), frames ascending.</summary>
public static class TestCohorts
{
    public static readonly int[] ReferenceC0 = [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17];
    public static readonly int[] ReferenceC1 = [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 17, 18, 20];

    /// <summary>The reference cohort's child ids (15 + 15) with <paramref name="frames"/> frames each (frame numbers start
    /// at 100 and step by 3, so frame ≠ row), labels from a seeded generator.</summary>
    public static CohortMetadata Reference(int frames = 50, int seed = 1) =>
        Build([(0, ReferenceC0), (1, ReferenceC1)], _ => frames, seed);

    public static CohortMetadata Build(IEnumerable<(byte Culture, int[] Children)> cultures, Func<ChildId, int> frames, int seed = 1)
    {
        var c = new List<byte>();
        var ch = new List<int>();
        var fr = new List<int>();
        var lab = new List<float>();
        var random = new Random(seed);
        foreach (var (culture, children) in cultures)
            foreach (int child in children)
                for (int f = 0; f < frames(new ChildId(culture, child)); f++)
                {
                    c.Add(culture);
                    ch.Add(child);
                    fr.Add(100 + 3 * f);
                    lab.Add((float)(2 * random.NextDouble() - 1));
                }
        return CohortMetadata.FromColumns(c.ToArray(), ch.ToArray(), fr.ToArray(), lab.ToArray(), "test-store");
    }
}
