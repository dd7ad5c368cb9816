using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>The protocol's leakage and lineage guarantees, checked over every fit of every run of a full plan.</summary>
public class ProtocolBookkeepingTests
{
    private static readonly CohortMetadata Cohort = TestCohorts.Reference(frames: 40);

    private static ProtocolPlan FullPlan(SplitMode split) => ProtocolPlanner.Build(Cohort, new ProtocolOptions
    {
        Settings = SettingVariant.TableOne.Concat(SettingVariant.FigureAnalyses(14)).ToArray(),
        Runs = 2,
        Split = split,
        Seed = 11,
    });

    private static IEnumerable<(RunPlan Run, FitSpec Fit)> AllFits(ProtocolPlan plan) =>
        plan.RunNumbers.Select(plan.GetRun).SelectMany(r => r.Fits.Select(f => (r, f)));

    /// <summary>Rows a model has seen: training and validation rows of the fit and of every fit it starts from.</summary>
    private static HashSet<int> SeenRows(RunPlan run, FitSpec fit) =>
        run.Lineage(fit).SelectMany(f => f.TrainRows.Concat(f.ValidationRows)).ToHashSet();

    [Theory]
    [InlineData(SplitMode.Contiguous)]
    [InlineData(SplitMode.Random)]
    public void No_test_frame_of_the_target_is_ever_in_training_or_validation(SplitMode split)
    {
        var plan = FullPlan(split);
        int evaluations = 0;
        foreach (var (run, fit) in AllFits(plan))
        {
            var seen = SeenRows(run, fit);
            foreach (var e in fit.Evaluations)
            {
                evaluations++;
                Assert.NotEmpty(e.TestRows);
                Assert.All(e.TestRows, r => Assert.Equal(e.Child, Cohort.ChildAt(r)));
                Assert.Equal(run.Splits[e.Child].P1, e.TestRows);
                Assert.DoesNotContain(e.TestRows, seen.Contains);
            }
        }
        Assert.Equal(plan.EvaluationsPerRun * plan.Options.Runs, evaluations);
    }

    [Theory]
    [InlineData(SplitMode.Contiguous)]
    [InlineData(SplitMode.Random)]
    public void Subject_independent_settings_never_see_a_frame_of_the_target_child(SplitMode split)
    {
        int checkedEvaluations = 0;
        foreach (var (run, fit) in AllFits(FullPlan(split)))
        {
            var seenChildren = SeenRows(run, fit).Select(Cohort.ChildAt).ToHashSet();
            foreach (var e in fit.Evaluations.Where(e => e.Setting.Base.IsSubjectIndependent()))
            {
                checkedEvaluations++;
                Assert.DoesNotContain(e.Child, seenChildren);
            }
        }
        Assert.True(checkedEvaluations > 0);
    }

    [Fact]
    public void Training_children_of_each_setting_follow_table_one()
    {
        var run = FullPlan(SplitMode.Contiguous).GetRun(1);
        var target = new ChildId(1, 5);
        ISet<ChildId> Trainers(string key) => run[key].TrainRows.Select(Cohort.ChildAt).ToHashSet();
        var c0 = Cohort.ChildrenOf(0).ToHashSet();
        var c1 = Cohort.ChildrenOf(1).ToHashSet();

        Assert.Equal(c1.Where(c => c != target).ToHashSet(), Trainers("run01_M1_C1-5"));
        Assert.Equal(c0, Trainers("run01_M2_C1"));
        Assert.Equal(c0.Concat(c1).Where(c => c != target).ToHashSet(), Trainers("run01_M3_C1-5"));
        Assert.Equal(c1.Where(c => c != target).ToHashSet(), Trainers("run01_M4_C1-5"));
        Assert.Equal(c1, Trainers("run01_M5_C1-5"));
        Assert.Equal(new HashSet<ChildId> { target }, Trainers("run01_M6_C1-5"));
        Assert.Equal(c0.Concat(c1).ToHashSet(), Trainers("run01_M7-joint"));
        Assert.Equal(c1, Trainers("run01_M7-culture_C1"));
        Assert.Equal(new HashSet<ChildId> { target }, Trainers("run01_M7_C1-5"));
        Assert.Equal(4, Trainers("run01_M1-c4_C1-5").Count);

        // SD settings train on p2 only; SI settings on the SI training rows and validate on the SI validation rows.
        var split = run.Splits;
        Assert.Equal(c1.SelectMany(c => split[c].P2).Order(), run["run01_M5_C1-5"].TrainRows);
        Assert.Equal(split[target].P2, run["run01_M5_C1-5"].ValidationRows);
        Assert.Equal(split[target].P2, run["run01_M6_C1-5"].TrainRows);
        Assert.Equal(split[target].P2Prefix(5), run["run01_M6-d5_C1-5"].TrainRows);
        Assert.Equal(c1.Where(c => c != target).SelectMany(c => split[c].SiValidation).Order(), run["run01_M1_C1-5"].ValidationRows);
        Assert.Equal(c1.Where(c => c != target).SelectMany(c => split[c].SiTrainPrefix(50)).Order(), run["run01_M1-d50_C1-5"].TrainRows);

        // M2: one model per target culture, scored on each of its children.
        Assert.Equal(c1.Order(), run["run01_M2_C1"].Evaluations.Select(e => e.Child).Order());
    }

    [Fact]
    public void M7_last_layers_start_from_the_culture_layer_which_starts_from_the_joint_gennet()
    {
        var run = FullPlan(SplitMode.Contiguous).GetRun(2);
        foreach (var target in Cohort.Children)
        {
            var child = run[$"run02_M7_{target.Token}"];
            Assert.Equal(FitKind.LastLayer, child.Kind);
            Assert.Equal($"run02_M7-culture_{target.CultureName}", child.ParentKey);
            var culture = run[child.ParentKey!];
            Assert.Equal(FitKind.LastLayer, culture.Kind);
            Assert.Equal("run02_M7-joint", culture.ParentKey);
            var joint = run[culture.ParentKey!];
            Assert.Equal(FitKind.GenNet, joint.Kind);
            Assert.Null(joint.ParentKey);
            Assert.Empty(joint.Evaluations);
            Assert.Empty(culture.Evaluations);
            Assert.True(run.HasDependents(joint.Key) && run.HasDependents(culture.Key));
            Assert.False(run.HasDependents(child.Key));
            // Parents come first in the plan.
            Assert.True(IndexOf(run, joint.Key) < IndexOf(run, culture.Key) && IndexOf(run, culture.Key) < IndexOf(run, child.Key));
        }
    }

    [Fact]
    public void M4_tunes_the_last_layer_of_the_same_targets_M3_model()
    {
        var run = FullPlan(SplitMode.Contiguous).GetRun(1);
        foreach (var target in Cohort.Children)
        {
            var m4 = run[$"run01_M4_{target.Token}"];
            Assert.Equal(FitKind.LastLayer, m4.Kind);
            Assert.Equal($"run01_M3_{target.Token}", m4.ParentKey);
            Assert.True(IndexOf(run, m4.ParentKey!) < IndexOf(run, m4.Key));
        }
    }

    [Fact]
    public void M3_is_planned_without_evaluations_when_only_M4_is_asked_for()
    {
        var plan = ProtocolPlanner.Build(Cohort, new ProtocolOptions { Settings = SettingVariant.ParseList("M4"), Runs = 1 });
        var run = plan.GetRun(1);
        Assert.Empty(run["run01_M3_C0-1"].Evaluations);
        Assert.Equal(60, plan.FitsPerRun);
        Assert.Equal(30, plan.EvaluationsPerRun);
    }

    [Fact]
    public void ME_uses_only_the_targets_p2_labels()
    {
        var run = FullPlan(SplitMode.Random).GetRun(1);
        var target = new ChildId(0, 9);
        var me = run[$"run01_ME_{target.Token}"];
        Assert.Equal(FitKind.MeanBaseline, me.Kind);
        Assert.Equal(run.Splits[target].P2, me.TrainRows);
        Assert.Empty(me.ValidationRows);

        // The estimate is the mean of exactly those labels, and does not move when every other label changes.
        float estimate = MeanBaseline.Fit(Cohort, me.TrainRows);
        Assert.Equal(me.TrainRows.Average(r => (double)Cohort.Label(r)), estimate, 6);
        var labels = Cohort.LabelColumn.ToArray();
        var p2 = me.TrainRows.ToHashSet();
        for (int r = 0; r < labels.Length; r++) if (!p2.Contains(r)) labels[r] = 0.99f;
        var altered = CohortMetadata.FromColumns(Cohort.CultureColumn, Cohort.ChildColumn, Cohort.FrameColumn, labels);
        Assert.Equal(estimate, MeanBaseline.Fit(altered, me.TrainRows));
    }

    [Fact]
    public void Plans_are_deterministic_and_seeds_differ_between_fits_and_runs()
    {
        var a = FullPlan(SplitMode.Random);
        var b = FullPlan(SplitMode.Random);
        var fa = AllFits(a).Select(x => x.Fit).ToArray();
        var fb = AllFits(b).Select(x => x.Fit).ToArray();
        Assert.Equal(fa.Select(f => (f.Key, f.Seed)), fb.Select(f => (f.Key, f.Seed)));
        Assert.All(fa.Zip(fb), p => Assert.Equal(p.First.TrainRows, p.Second.TrainRows));
        Assert.Equal(fa.Length, fa.Select(f => f.Key).Distinct().Count());
        Assert.True(fa.Select(f => f.Seed).Distinct().Count() > fa.Length * 0.99);
        Assert.Equal(a.TotalFits, fa.Length);
    }

    [Fact]
    public void Fit_counts_per_run_match_table_one()
    {
        var plan = ProtocolPlanner.Build(Cohort, new ProtocolOptions { Runs = 3 });
        // M1 30 + M2 2 + M3 30 + M4 30 + M5 30 + M6 30 + M7 (1 + 2 + 30) + ME 30.
        Assert.Equal(30 + 2 + 30 + 30 + 30 + 30 + 33 + 30, plan.FitsPerRun);
        Assert.Equal(8 * 30, plan.EvaluationsPerRun);
        Assert.Equal(3 * plan.FitsPerRun, plan.TotalFits);
    }

    [Fact]
    public void A_store_with_one_culture_is_a_clear_error()
    {
        var cohort = TestCohorts.Build([(0, TestCohorts.ReferenceC0)], _ => 20);
        var e = Assert.Throws<CultureNetException>(() => ProtocolPlanner.Build(cohort, new ProtocolOptions()));
        Assert.Contains("test-store", e.Message);
        Assert.Contains("two cultures", e.Message);
        Assert.Contains("only culture C0", e.Message);
    }

    [Fact]
    public void A_child_with_too_few_frames_fails_the_plan()
    {
        var cohort = TestCohorts.Build([(0, new[] { 1, 2, 3 }), (1, new[] { 4, 5, 6 })], c => c == new ChildId(0, 2) ? 7 : 30);
        var e = Assert.Throws<CultureNetException>(() => ProtocolPlanner.Build(cohort, new ProtocolOptions()));
        Assert.Contains("child C0/2 has 7 frames", e.Message);
    }

    [Fact]
    public void Analyses_that_ask_for_more_than_the_cohort_has_are_clear_errors()
    {
        var small = TestCohorts.Build([(0, new[] { 1, 2, 3 }), (1, new[] { 4, 5, 6 })], _ => 12);
        Assert.Contains("only 2 children besides the target", Assert.Throws<CultureNetException>(() =>
            ProtocolPlanner.Build(small, new ProtocolOptions { Settings = SettingVariant.ParseList("M1-c5") })).Message);
        Assert.Contains("5% of its frames is not a single frame", Assert.Throws<CultureNetException>(() =>
            ProtocolPlanner.Build(small, new ProtocolOptions { Settings = SettingVariant.ParseList("M6-d5") })).Message);
        Assert.Throws<CultureNetException>(() => ProtocolPlanner.Build(small, new ProtocolOptions { Runs = 0 }));
    }

    private static int IndexOf(RunPlan run, string key) => run.Fits.Select((f, i) => (f, i)).First(x => x.f.Key == key).i;
}
