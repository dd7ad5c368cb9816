using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Figures;
using CultureNet.Engine.Metrics;
using CultureNet.Engine.Reports.Scores;
using CultureNet.Engine.Tests.Protocol;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Figures;

public sealed class Fig3Tests : IDisposable
{
    private readonly TempDir _temp = new();
    private string Dir => _temp.Path;
    private static readonly CohortMetadata Cohort = TestCohorts.Build([(0, new[] { 1, 2, 3 }), (1, new[] { 4, 5, 6 })], _ => 20);

    public void Dispose() => _temp.Dispose();

    private static ChildScore Score(string setting, byte culture, int child, double pc) =>
        new(SettingVariant.Parse(setting), new ChildId(culture, child), new MetricScores(0, 0, pc, 0.1), 1);

    private static IReadOnlyList<ChildScore> Scores() =>
    [
        Score("M1", 0, 1, 0.30), Score("M1", 0, 2, 0.10), Score("M1", 1, 4, 0.2),
        Score("M1-c1", 0, 1, 0.05), Score("M1-c1", 0, 2, 0.15), Score("M1-c1", 1, 4, 0.1),
        Score("M1-d50", 0, 1, 0.4), Score("M1-d50", 0, 2, 0.2),
        Score("M6", 0, 1, 0.5), Score("M6-d5", 0, 1, 0.25), Score("M6-d10", 0, 1, 0.35),
        Score("M4", 0, 1, 0.1), Score("M4", 0, 2, 0.3), Score("M4", 0, 3, 0.0),
        Score("M7", 0, 1, 0.2), Score("M7", 0, 2, 0.6), Score("M7", 0, 3, 0.4),
    ];

    [Fact]
    public void Curves_average_per_child_pc_in_percent_with_the_full_setting_as_the_last_point()
    {
        var children = Fig3Data.PcVsTrainingChildren(Scores(), Cohort);
        var c0 = children.Single(c => c.Culture == 0);
        Assert.Equal(new[] { 1.0, 2.0 }, c0.Points.Select(p => p.X));
        Assert.Equal(10.0, c0.Points[0].MeanPcPercent, 10);
        Assert.Equal(20.0, c0.Points[1].MeanPcPercent, 10);

        var data = Fig3Data.PcVsTrainingDataPercent(Scores()).Single(c => c.Culture == 0);
        Assert.Equal(new[] { 50.0, 100.0 }, data.Points.Select(p => p.X));
        Assert.Equal(30.0, data.Points[0].MeanPcPercent, 10);

        var m6 = Fig3Data.PcVsTargetDataPercent(Scores()).Single();
        Assert.Equal(new[] { 5.0, 10.0, 20.0 }, m6.Points.Select(p => p.X));
        Assert.Equal(new[] { 25.0, 35.0, 50.0 }, m6.Points.Select(p => Math.Round(p.MeanPcPercent, 10)));
    }

    [Fact]
    public void M4_and_M7_are_compared_per_child_sorted_by_decreasing_M7()
    {
        var rows = Fig3Data.M4VersusM7(Scores(), 0);
        Assert.Equal(new[] { 2, 3, 1 }, rows.Select(r => r.Child.Child));
        Assert.Equal(30.0, rows[0].M4PcPercent, 10);
        Assert.Equal(60.0, rows[0].M7PcPercent, 10);
        Assert.Empty(Fig3Data.M4VersusM7(Scores(), 1));
    }

    [Fact]
    public void Label_boxes_use_numpy_linear_quantiles_and_extreme_whiskers()
    {
        Assert.Equal(1.75, Fig3Data.Quantile([1, 2, 3, 4], 0.25), 12);
        Assert.Equal(2.5, Fig3Data.Quantile([1, 2, 3, 4], 0.5), 12);
        Assert.Equal(3.25, Fig3Data.Quantile([1, 2, 3, 4], 0.75), 12);
        var child = new ChildId(1, 5);
        var box = Fig3Data.LabelsOf(Cohort, child);
        var range = Cohort.RangeOf(child);
        var labels = Enumerable.Range(range.Start, range.Count).Select(r => (double)Cohort.Label(r)).ToArray();
        Assert.Equal(labels.Min(), box.Min);
        Assert.Equal(labels.Max(), box.Max);
        Assert.InRange(box.Median, box.Q1, box.Q3);
    }

    [Fact]
    public void All_figures_are_written_as_png()
    {
        var files = Fig3Figures.WriteAll(Dir, Scores(), Cohort, synthetic: true);
        var names = files.Select(Path.GetFileName).ToArray();
        Assert.Equal(new[] { "fig3_m1_children.png", "fig3_m1_data.png", "fig3_m6_data.png", "fig3_m4_m7_C0.png", "fig3_labels_C0.png", "fig3_labels_C1.png" }, names);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.True(bytes.Length > 1000, file);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }
}
