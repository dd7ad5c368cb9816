using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Metrics;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Tests.Reports;

public class ResultsAggregatorTests
{
    private static readonly SettingVariant M1 = new(Setting.M1);
    private static readonly SettingVariant ME = new(Setting.ME);
    private static readonly ChildId A = new(0, 1), B = new(0, 2), C = new(1, 3);

    private static ChildRunScore S(SettingVariant s, int run, ChildId child, double pc, double mae) =>
        new(s, run, child, new MetricScores(pc / 2, pc / 4, pc, mae));

    [Fact]
    public void Child_scores_are_means_over_runs_and_table_entries_mean_and_population_sd_over_children_in_percent()
    {
        var perChild = ResultsAggregator.PerChild([
            S(M1, 1, A, 0.2, 0.30), S(M1, 2, A, 0.4, 0.10),
            S(M1, 1, B, 0.5, 0.20), S(M1, 2, B, 0.7, 0.40),
            S(M1, 1, C, 0.1, 0.50),
        ]);
        var a = perChild.Single(c => c.Child == A);
        Assert.Equal(0.3, a.Mean.Pc, 12);
        Assert.Equal(0.2, a.Mean.Mae, 12);
        Assert.Equal(2, a.Runs);

        var table = ResultsAggregator.Table2(perChild, new Table2Context("x", 2, SplitMode.Contiguous, 1, false));
        var c0 = table.Find(Setting.M1, 0)!;
        Assert.Equal(2, c0.Children);
        // PC per child 0.3 and 0.6 → 45 % ± 15 % (population SD; the sample SD would be 21.21).
        Assert.Equal(45.0, c0.Pc!.Value.Mean, 10);
        Assert.Equal(15.0, c0.Pc!.Value.Sd, 10);
        Assert.Equal(22.5, c0.Icc!.Value.Mean, 10);
        // MAE is not scaled: per child 0.2 and 0.3.
        Assert.Equal(0.25, c0.Mae.Mean, 12);
        Assert.Equal(0.05, c0.Mae.Sd, 12);
        var c1 = table.Find(Setting.M1, 1)!;
        Assert.Equal(1, c1.Children);
        Assert.Equal(0.0, c1.Pc!.Value.Sd);
    }

    [Fact]
    public void ME_reports_mae_only()
    {
        var result = new EvaluationResult(ME, 1, A, [1, 2, 3], [0.1f, 0.5f, 0.9f], [0.5f, 0.5f, 0.5f]);
        var score = ChildRunScore.From(result);
        Assert.True(double.IsNaN(score.Scores.Pc));
        Assert.Equal((0.4 + 0 + 0.4) / 3, score.Scores.Mae, 6);
        var table = ResultsAggregator.Table2(ResultsAggregator.PerChild([score]), new Table2Context("x", 1, SplitMode.Contiguous, 1, false));
        var e = table.Find(Setting.ME, 0)!;
        Assert.Null(e.Icc);
        Assert.Null(e.Pc);
        Assert.Equal(score.Scores.Mae, e.Mae.Mean, 12);
    }

    [Fact]
    public void Scores_come_from_the_metrics_of_each_evaluation()
    {
        var result = new EvaluationResult(M1, 1, A, [5, 6, 7], [1, 2, 3], [2, 2, 4]);
        var s = ChildRunScore.From(result).Scores;
        Assert.Equal(MetricScores.Compute(new double[] { 1, 2, 3 }, new double[] { 2, 2, 4 }), s);
    }

    [Fact]
    public void Fig3_analyses_are_kept_per_child_but_not_in_table_two()
    {
        var variant = new SettingVariant(Setting.M1, TrainingChildren: 4);
        var perChild = ResultsAggregator.PerChild([S(M1, 1, A, 0.2, 0.3), S(variant, 1, A, 0.1, 0.3)]);
        Assert.Equal(2, perChild.Count);
        var table = ResultsAggregator.Table2(perChild, new Table2Context("x", 1, SplitMode.Contiguous, 1, false));
        Assert.Single(table.Entries);
        Assert.Equal(new[] { Setting.M1 }, table.Settings);
    }

    [Fact]
    public void A_run_scored_twice_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ResultsAggregator.PerChild([S(M1, 1, A, 0.2, 0.3), S(M1, 1, A, 0.2, 0.3)]));
    }
}
