using CultureNet.Engine.Sessions;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.IO;
using CultureNet.Engine;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

public sealed class ProtocolRunnerTests : IDisposable
{
    private readonly TempDir _temp = new();
    private string Root => _temp.Path;
    private static readonly CohortMetadata Cohort =
        TestCohorts.Build([(0, new[] { 1, 2, 3 }), (1, new[] { 4, 5, 6, 7 })], c => 20 + c.Child, seed: 3);

    public void Dispose() => _temp.Dispose();

    private static ProtocolPlan Plan(int runs = 2) => ProtocolPlanner.Build(Cohort, new ProtocolOptions
    {
        Settings = SettingVariant.ParseList("M1,M2,M3,M4,M5,M6,M7,ME,M6-d10"),
        Runs = runs,
        Split = SplitMode.Random,
        Seed = 5,
    });

    private string Folder(string name) => Path.Combine(Root, name);

    private static ProtocolManifest Manifest(ProtocolPlan plan) => ProtocolManifest.For(plan, "test-store", synthetic: true);

    private static readonly string[] Reports =
        [ResultsFolder.Predictions, ResultsFolder.PerChild, ResultsFolder.Table2Md, ResultsFolder.Table2CsvFile, ResultsFolder.Table2JsonFile, ResultsFolder.StatsCsvFile, ResultsFolder.Fits];

    [Fact]
    public void A_run_trains_every_network_once_and_writes_all_reports()
    {
        var plan = Plan();
        var trainer = new FakeTrainer(Cohort);
        var progress = new List<ProtocolProgress>();
        var outcome = ProtocolSession.RunAndReport(new ProtocolRunner(plan, trainer, Folder("a")), Manifest(plan), new SyncProgress(progress));
        var results = outcome.Fits;
        Assert.Equal(0, outcome.ResumedFits);
        Assert.Equal(7 * 9, outcome.Reports.PerChild.Count);
        Assert.Equal(8, outcome.Reports.Table.Settings.Count);

        Assert.Equal(plan.TotalFits, results.Count);
        Assert.Equal(plan.NetworkFitsPerRun * 2, trainer.Trained.Count);
        Assert.Equal(trainer.Trained.Count, trainer.Trained.Distinct().Count());
        Assert.Empty(trainer.Loaded);
        foreach (var file in Reports) Assert.True(File.Exists(Path.Combine(Folder("a"), file)), file);
        Assert.False(Directory.Exists(Path.Combine(Folder("a"), ProtocolRunner.CheckpointsFolder)));
        Assert.Equal(plan.TotalFits, progress[^1].Done);
        Assert.Equal(0, progress[^1].Resumed);

        int predictionLines = File.ReadLines(Path.Combine(Folder("a"), ResultsFolder.Predictions)).Count() - 1;
        Assert.Equal(results.SelectMany(r => r.Evaluations).Sum(e => e.Frames.Length), predictionLines);

        // ME predicts the mean of the target's p2 labels on every test frame.
        var run1 = plan.GetRun(1);
        var me = results.Single(r => r.Key == "run01_ME_C1-5").Evaluations.Single();
        float expected = MeanBaseline.Fit(Cohort, run1.Splits[new ChildId(1, 5)].P2);
        Assert.All(me.Predictions, p => Assert.Equal(expected, p));
        Assert.Equal(run1.Splits[new ChildId(1, 5)].P1.Select(Cohort.Frame), me.Frames);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(40)]
    [InlineData(61)]
    public void A_crashed_run_resumes_without_redoing_finished_fits_and_ends_identical(int crashAfter)
    {
        var plan = Plan();
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("straight")), Manifest(plan));

        var first = new FakeTrainer(Cohort, failAfter: crashAfter);
        Assert.Throws<FakeTrainer.SimulatedCrash>(() => ProtocolSession.RunAndReport(new ProtocolRunner(plan, first, Folder("resumed")), Manifest(plan)));
        var second = new FakeTrainer(Cohort);
        var progress = new List<ProtocolProgress>();
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, second, Folder("resumed")), Manifest(plan), new SyncProgress(progress));

        // Fits finished before the crash are not trained again (a parent may be re-loaded from its checkpoint).
        Assert.Empty(first.Trained.Intersect(second.Trained));
        Assert.Equal(plan.NetworkFitsPerRun * 2, first.Trained.Count + second.Trained.Count);
        Assert.True(progress[0].Resumed >= crashAfter);
        foreach (var file in Reports)
            Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("straight"), file)), File.ReadAllBytes(Path.Combine(Folder("resumed"), file)));
    }

    [Fact]
    public void A_parent_finished_before_the_crash_is_loaded_from_its_checkpoint()
    {
        var plan = Plan(runs: 1);
        var run = plan.GetRun(1);
        // Crash right after run01_M3_C0-1 is trained and before its M4 is.
        var networkKeys = run.Fits.Where(f => f.Kind != FitKind.MeanBaseline).Select(f => f.Key).ToList();
        int m3 = networkKeys.IndexOf("run01_M3_C0-1");
        Assert.Equal("run01_M4_C0-1", networkKeys[m3 + 1]);
        var first = new FakeTrainer(Cohort, failAfter: m3 + 1);
        Assert.Throws<FakeTrainer.SimulatedCrash>(() => ProtocolSession.RunAndReport(new ProtocolRunner(plan, first, Folder("r")), Manifest(plan)));
        Assert.True(File.Exists(Path.Combine(Folder("r"), ProtocolRunner.CheckpointsFolder, "run01_M3_C0-1.fake")));

        var second = new FakeTrainer(Cohort);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, second, Folder("r")), Manifest(plan));
        Assert.Contains("run01_M3_C0-1", second.Loaded);
        Assert.DoesNotContain("run01_M3_C0-1", second.Trained);
        Assert.False(Directory.Exists(Path.Combine(Folder("r"), ProtocolRunner.CheckpointsFolder)));
    }

    [Fact]
    public void Temporary_files_left_by_a_killed_writer_are_removed_on_restart()
    {
        var plan = Plan(runs: 1);
        var runner = new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("t"));
        ProtocolSession.RunAndReport(runner, Manifest(plan));
        string stale = Path.Combine(Path.GetDirectoryName(runner.ResultPath(plan.GetRun(1).Fits[0]))!, ".run01_M1_C0-1.fit.123.abc.tmp");
        File.WriteAllText(stale, "partial");
        // A temporary file of a live writer (pid 1 runs) and a fresh one (its writer may run on another host) stay.
        string live = Path.Combine(Path.GetDirectoryName(stale)!, ".run01_M2_C0-1.fit.1.abc.tmp");
        string fresh = Path.Combine(Path.GetDirectoryName(stale)!, ".run01_M3_C0-1.fit.123.abc.tmp");
        File.WriteAllText(live, "in flight");
        File.WriteAllText(fresh, "in flight");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - LeaseTiming.Default.StaleAfter * 2);
        File.SetLastWriteTimeUtc(live, DateTime.UtcNow - LeaseTiming.Default.StaleAfter * 2);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("t")), Manifest(plan));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Shards_train_every_fit_once_and_the_plain_run_reports_as_one_process()
    {
        var plan = Plan();
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("one")), Manifest(plan));
        var trained = new List<string>();
        for (int i = 1; i <= 3; i++)
        {
            var shard = new FakeTrainer(Cohort);
            var result = new ProtocolRunner(plan, shard, Folder("sharded")) { Shard = new Shard(i, 3) }.Run(Manifest(plan));
            trained.AddRange(shard.Trained);
            Assert.Equal(i < 3, result.Missing.Count > 0);
            Assert.True(UnfinishedMarker.IsPresent(Folder("sharded")));
        }
        // No checkpoint outlives its dependents: every parent went to the shard of its dependents.
        Assert.False(Directory.Exists(Path.Combine(Folder("sharded"), ProtocolRunner.CheckpointsFolder)));
        var last = new FakeTrainer(Cohort);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, last, Folder("sharded")), Manifest(plan));
        Assert.Empty(last.Trained);
        Assert.Equal(trained.Count, trained.Distinct().Count());
        Assert.Equal(plan.RunNumbers.Sum(n => plan.GetRun(n).Fits.Count(f => f.Kind != FitKind.MeanBaseline)), trained.Count);
        Assert.False(UnfinishedMarker.IsPresent(Folder("sharded")));
        foreach (var report in Reports)
            Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("one"), report)), File.ReadAllBytes(Path.Combine(Folder("sharded"), report)));
    }

    [Fact]
    public void Fits_trained_at_once_are_each_trained_once_and_report_as_one_at_a_time()
    {
        var plan = Plan();
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("one")), Manifest(plan));
        var trainer = new FakeTrainer(Cohort, busy: TimeSpan.FromMilliseconds(3));
        var progress = new List<ProtocolProgress>();
        var runner = new ProtocolRunner(plan, trainer, Folder("three")) { Parallelism = new FitParallelism(3, 1) };
        ProtocolSession.RunAndReport(runner, Manifest(plan), new SyncProgress(progress));

        Assert.Equal(3, trainer.MostAtOnce);
        // A parent is trained before its dependents, once, and kept for them (never loaded back or trained again).
        Assert.Equal(plan.NetworkFitsPerRun * 2, trainer.Trained.Count);
        Assert.Equal(trainer.Trained.Count, trainer.Trained.Distinct().Count());
        Assert.Empty(trainer.Loaded);
        foreach (var run in plan.RunNumbers.Select(plan.GetRun))
            foreach (var fit in run.Fits.Where(f => f.ParentKey is not null && run.Owns(f.ParentKey)))
                Assert.True(trainer.Trained.IndexOf(fit.ParentKey!) < trainer.Trained.IndexOf(fit.Key), fit.Key);
        Assert.False(Directory.Exists(Path.Combine(Folder("three"), ProtocolRunner.CheckpointsFolder)));
        // Progress counts every fit once, in order, naming the fits in training.
        Assert.Equal(Enumerable.Range(0, plan.TotalFits + 1), progress.Where(p => p.Current is null).Select(p => p.Done));
        Assert.Contains(progress, p => p.Current?.Contains(", ") == true);
        foreach (var report in Reports)
            Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("one"), report)), File.ReadAllBytes(Path.Combine(Folder("three"), report)));
    }

    [Fact]
    public void A_fit_failing_beside_others_stops_the_run_and_a_restart_finishes_it_identical()
    {
        var plan = Plan();
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("one")), Manifest(plan));
        var crashing = new FakeTrainer(Cohort, failAfter: 20, busy: TimeSpan.FromMilliseconds(3));
        Assert.Throws<FakeTrainer.SimulatedCrash>(() => ProtocolSession.RunAndReport(
            new ProtocolRunner(plan, crashing, Folder("crashed")) { Parallelism = new FitParallelism(4, 1) }, Manifest(plan)));
        // The other workers took no new fit after the failure: at most the three in training went on.
        Assert.InRange(crashing.Trained.Count, 20, 23);
        Assert.True(UnfinishedMarker.IsPresent(Folder("crashed")));
        var finished = Directory.EnumerateFiles(Path.Combine(Folder("crashed"), ProtocolRunner.FitsFolder), "*.fit", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).ToHashSet();

        var second = new FakeTrainer(Cohort);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, second, Folder("crashed")) { Parallelism = new FitParallelism(4, 1) }, Manifest(plan));
        Assert.Empty(second.Trained.Intersect(finished));
        foreach (var report in Reports)
            Assert.Equal(File.ReadAllBytes(Path.Combine(Folder("one"), report)), File.ReadAllBytes(Path.Combine(Folder("crashed"), report)));
    }

    [Fact]
    public void A_failure_recording_a_fit_on_a_worker_thread_is_rethrown_to_the_caller()
    {
        // Recording a finished fit (progress, releasing its parent) runs on the worker's thread too: a failure there must
        // reach the caller, not end the process.
        var plan = Plan(runs: 1);
        var failing = new FailingProgress(failAt: 5);
        var e = Assert.Throws<IOException>(() => new ProtocolRunner(plan, new FakeTrainer(Cohort, busy: TimeSpan.FromMilliseconds(2)), Folder("p"))
            { Parallelism = new FitParallelism(2, 1) }.Run(Manifest(plan), failing));
        Assert.Equal("progress sink failed", e.Message);
    }

    private sealed class FailingProgress(int failAt) : IProgress<ProtocolProgress>
    {
        public void Report(ProtocolProgress value)
        {
            if (value.Current is null && value.Done == failAt) throw new IOException("progress sink failed");
        }
    }

    [Fact]
    public void Fits_at_once_default_to_one_per_thread_up_to_a_runs_fits()
    {
        Assert.Equal(new FitParallelism(2, 1), FitParallelism.Resolve(0, threads: 2, fitsPerRun: 10));
        Assert.Equal(new FitParallelism(4, 4), FitParallelism.Resolve(0, threads: 16, fitsPerRun: 4));
        Assert.Equal(new FitParallelism(1, 2), FitParallelism.Resolve(1, threads: 2, fitsPerRun: 10));
        Assert.Equal(new FitParallelism(3, 1), FitParallelism.Resolve(3, threads: 2, fitsPerRun: 10));
        Assert.Equal(new FitParallelism(1, 2), FitParallelism.Resolve(0, threads: 2, fitsPerRun: 10, sharedGemmThreads: true));
        Assert.Equal(new FitParallelism(2, 1), FitParallelism.Resolve(2, threads: 2, fitsPerRun: 10, sharedGemmThreads: true));
        Assert.Contains("--jobs -1", Assert.Throws<CultureNetException>(() => FitParallelism.Resolve(-1, 2, 10)).Message);
    }

    [Fact]
    public void Fits_training_at_once_share_the_threads_and_one_left_alone_takes_them_all()
    {
        var share = new ThreadShare(8);
        Assert.Equal(8, share.PerFit);
        var a = share.Training();
        Assert.Equal(8, share.PerFit);
        var b = share.Training();
        var c = share.Training();
        Assert.Equal(2, share.PerFit);
        c.Dispose();
        b.Dispose();
        Assert.Equal(8, share.PerFit);
        var more = Enumerable.Range(0, 11).Select(_ => share.Training()).ToArray();
        Assert.Equal(1, share.PerFit);
        foreach (var s in more) s.Dispose();
        a.Dispose();
        Assert.Equal(8, share.PerFit);
    }

    [Fact]
    public void Shard_assignment_keeps_parents_with_dependents_and_balances_cost()
    {
        var plan = Plan(runs: 3);
        var shards = Enumerable.Range(1, 4).Select(i => ShardAssignment.KeysOf(plan, new Shard(i, 4))).ToArray();
        var all = plan.RunNumbers.SelectMany(n => plan.GetRun(n).Fits).ToList();
        Assert.All(all, f => Assert.Single(shards, s => s.Contains(f.Key)));
        foreach (var fit in all.Where(f => f.ParentKey is not null))
            Assert.Single(shards, s => s.Contains(fit.Key) && s.Contains(fit.ParentKey!));
        var cost = shards.Select(s => all.Where(f => s.Contains(f.Key)).Sum(f => ShardAssignment.EstimatedCost(f, plan.Options.Training.Epochs))).ToArray();
        // Greedy largest-first: no shard exceeds the mean by more than the largest unit.
        double largest = plan.RunNumbers.Select(plan.GetRun).SelectMany(r => r.Fits.GroupBy(f => r.Lineage(f).Last().Key))
            .Max(g => g.Sum(f => ShardAssignment.EstimatedCost(f, plan.Options.Training.Epochs)));
        Assert.All(cost, c => Assert.True(c <= cost.Average() + largest, $"{c} vs mean {cost.Average()} + {largest}"));
        Assert.Equal(shards[1], ShardAssignment.KeysOf(plan, new Shard(2, 4)));
        Assert.Throws<CultureNetException>(() => Shard.Parse("4/3"));
        Assert.Equal(new Shard(2, 3), Shard.Parse("2/3"));
    }

    [Fact]
    public void A_damaged_fit_file_is_redone()
    {
        var plan = Plan(runs: 1);
        var runner = new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("d"));
        ProtocolSession.RunAndReport(runner, Manifest(plan));
        var fit = plan.GetRun(1)["run01_M5_C1-6"];
        var path = runner.ResultPath(fit);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var again = new FakeTrainer(Cohort);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, again, Folder("d")), Manifest(plan));
        Assert.Equal(new[] { "run01_M5_C1-6" }, again.Trained);
    }

    [Fact]
    public void Restarting_with_other_arguments_is_refused()
    {
        var plan = Plan(runs: 1);
        ProtocolSession.RunAndReport(new ProtocolRunner(plan, new FakeTrainer(Cohort), Folder("m")), Manifest(plan));
        var other = Plan(runs: 2);
        var e = Assert.Throws<CultureNetException>(() => ProtocolSession.RunAndReport(new ProtocolRunner(other, new FakeTrainer(Cohort), Folder("m")), Manifest(other)));
        Assert.Contains("--runs 1 (now 2)", e.Message);
        Assert.Contains("protocol.json", e.Message);
    }

    [Fact]
    public void Fit_result_files_round_trip()
    {
        var result = new FitResult("run01_M1_C0-1", 1, 0xDEADBEEFUL, new FitSummary(7, 0.25, double.NaN),
            [new EvaluationResult(new SettingVariant(Setting.M6, DataPercent: 5), 1, new ChildId(0, 1), [3, 4], [0.5f, -1f], [0.125f, float.Epsilon])]);
        var path = Path.Combine(Folder("f"), "x.fit");
        FitResultFile.Write(path, result);
        var read = FitResultFile.TryRead(path)!;
        Assert.Equal(result.Key, read.Key);
        Assert.Equal(result.Fingerprint, read.Fingerprint);
        Assert.Equal(result.Summary, read.Summary);
        var e = read.Evaluations.Single();
        Assert.Equal("M6-d5", e.Setting.Name);
        Assert.Equal(new[] { 0.125f, float.Epsilon }, e.Predictions);
        Assert.Null(FitResultFile.TryRead(Path.Combine(Folder("f"), "missing.fit")));
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<ProtocolProgress> list) : IProgress<ProtocolProgress>
    {
        public void Report(ProtocolProgress value) => list.Add(value);
    }
}
