using CultureNet.Engine.Data;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

public class SyntheticCohortTests
{
    private static readonly SyntheticCohortOptions Small = new() { ChildrenPerCulture = 4, FramesPerChild = 600, Dim = 32, Seed = 11 };

    [Fact]
    public void Same_seed_same_bytes_other_seed_other_bytes()
    {
        using var tmp = new TempDir();
        SyntheticCohort.Generate(tmp.File("a"), Small);
        SyntheticCohort.Generate(tmp.File("b"), Small);
        SyntheticCohort.Generate(tmp.File("c"), Small with { Seed = 12 });
        byte[] A(string d) => File.ReadAllBytes(Path.Combine(tmp.File(d), "features.cnstore"));
        Assert.Equal(A("a"), A("b"));
        Assert.NotEqual(A("a"), A("c"));
    }

    [Fact]
    public void Shape_ids_labels_and_synthetic_flag()
    {
        using var tmp = new TempDir();
        SyntheticCohort.Generate(tmp.Path, Small);
        using var s = FeatureStore.Open(tmp.Path, verifyChecksums: true);
        Assert.True(s.IsSynthetic);
        Assert.Equal(2 * 4 * 600, s.RowCount);
        Assert.Equal(32, s.Dim);
        Assert.Equal(new[] { 1, 2, 3, 4 }, s.ChildBlocks.Where(c => c.Culture == 0).Select(c => c.Child));
        Assert.Equal(new[] { 2, 3, 4, 5 }, s.ChildBlocks.Where(c => c.Culture == 1).Select(c => c.Child));
        Assert.All(s.ChildBlocks, c => Assert.Equal(600, c.RowCount));
        Assert.Equal(Enumerable.Range(0, 600), s.Frames[..600].ToArray());
        foreach (float y in s.Labels) Assert.InRange(y, -1f, 1f);
    }

    [Fact]

    [Trait("Category", "Slow")]
    public void Label_distributions_differ_by_culture_like_the_papers_Fig2()
    {
        using var tmp = new TempDir();
        SyntheticCohort.Generate(tmp.Path, Small with { ChildrenPerCulture = 15, FramesPerChild = 300, Dim = 4 });
        using var s = FeatureStore.Open(tmp.Path);
        var (s0, n0) = s.CultureRange(0);
        var (s1, n1) = s.CultureRange(1);
        var c0 = s.Labels.Slice((int)s0, n0).ToArray();
        var c1 = s.Labels.Slice((int)s1, n1).ToArray();
        double Sd(float[] v) => Math.Sqrt(v.Average(x => (x - v.Average()) * (x - v.Average())));
        Assert.True(c0.Average() > 0.4, $"C0 (Japan) mostly high engagement: mean {c0.Average():F2}");
        Assert.True(Math.Abs(c1.Average()) < 0.25, $"C1 (Serbia) centred: mean {c1.Average():F2}");
        Assert.True(Sd(c1) > Sd(c0) * 1.2, $"C1 spread out more: SD {Sd(c1):F2} vs {Sd(c0):F2}");
        Assert.True(c0.Count(y => y > 0.5f) > c0.Length / 2);
    }

    [Fact]
    public void Labels_are_temporally_smooth_and_features_carry_them()
    {
        using var tmp = new TempDir();
        SyntheticCohort.Generate(tmp.Path, Small with { Dim = 64 });
        using var s = FeatureStore.Open(tmp.Path);
        var (start, count) = s.ChildRange(1, 3);
        var y = s.Labels.Slice((int)start, count);
        double step = 0, spread = 0, mean = 0;
        for (int t = 0; t < count; t++) mean += y[t] / count;
        for (int t = 1; t < count; t++) step += Math.Abs(y[t] - y[t - 1]) / (count - 1);
        for (int t = 0; t < count; t++) spread += Math.Abs(y[t] - mean) / count;
        Assert.True(step < spread / 3, $"frame-to-frame change {step:F3} vs spread {spread:F3}");

        // Within a child, the per-frame feature projection on the child's own least-squares direction tracks
        // the label: the engagement signal is in the features (the protocol tests measure how well models find it).
        var x = s.Features(start, count);
        double best = 0;
        for (int j = 0; j < s.Dim; j++)
        {
            double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
            for (int t = 0; t < count; t++) { mx += x[t * s.Dim + j]; my += y[t]; }
            mx /= count; my /= count;
            for (int t = 0; t < count; t++)
            {
                double dx = x[t * s.Dim + j] - mx, dy = y[t] - my;
                sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
            }
            best = Math.Max(best, Math.Abs(sxy / Math.Sqrt(sxx * syy)));
        }
        Assert.True(best > 0.2, $"best single-feature |r| = {best:F2}");
    }

    [Fact]
    public void Invalid_sizes_are_rejected()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<CultureNetException>(() => SyntheticCohort.Generate(tmp.Path, Small with { ChildrenPerCulture = 16 }));
        Assert.Contains("1 … 15", e.Message);
    }
}
