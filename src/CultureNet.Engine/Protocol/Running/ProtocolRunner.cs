using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.IO;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// Runs a protocol plan into a results folder, resumably, and safely alongside any number of other processes working on
/// the same folder (on this host, or on others over a shared file system). Layout:
/// <list type="bullet">
/// <item><c>protocol.json</c>: the arguments, created race-free (a process with other arguments is refused);</item>
/// <item><c>UNFINISHED</c>: present until the reports are complete (<see cref="UnfinishedMarker"/>);</item>
/// <item><c>claims/runNN/KEY.G</c>: the claim (<see cref="FileLease"/>) of the process now training fit KEY — a fit is
/// claimed before it is trained, so no fit is trained twice, and the claim of a process that died is taken over;</item>
/// <item><c>fits/runNN/KEY.fit</c>: one atomically written result per finished fit — these fits are never trained again;</item>
/// <item><c>checkpoints/KEY.*</c>: weights of a fit that later fits start from (M3 for M4, M7's joint and culture
/// models), written before its result and deleted once every dependent's result file exists;</item>
/// <item><c>workers/</c>: one log per process of the fits it trained (<see cref="WorkerLog"/>);</item>
/// <item>the reports (Reports.ProtocolReports), written afterwards from every fit's result (resumed or trained), so a
/// resumed or sharded run ends with the same files as an uninterrupted one.</item>
/// </list>
/// With a <see cref="Shard"/> the runner trains only that shard's fits (<see cref="ShardAssignment"/>), skips those another
/// process holds, and returns what is still missing. Without one it trains every fit left and waits for fits other live
/// processes hold, so its result is complete.
/// </summary>
public sealed class ProtocolRunner(ProtocolPlan plan, IFitTrainer trainer, string folder)
{
    public const string FitsFolder = "fits";
    public const string CheckpointsFolder = "checkpoints";
    public const string ClaimsFolder = "claims";

    public string Folder { get; } = folder;

    public ProtocolPlan Plan => plan;

    /// <summary>Only this shard's fits; null: every fit, waiting for those other processes hold.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Heartbeat of this process's claims, and when a silent claim of another host counts as dead.</summary>
    public LeaseTiming Leases { get; init; } = LeaseTiming.Default;

    /// <summary>How often a run without a shard looks again at fits other processes hold.</summary>
    public TimeSpan WaitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fits trained at once, each on a thread of its own (one job: one after another on the calling thread);
    /// the trainer and <see cref="Trained"/> are then called from several threads. The trainer gives each fit its
    /// share of the threads (GenNetTrainer's <see cref="ThreadShare"/>).</summary>
    public FitParallelism Parallelism { get; init; } = new(1, 1);

    /// <summary>Called with every network this process trains, before its result is recorded (e.g. to keep models).</summary>
    public Action<FitSpec, ITrainedModel>? Trained { get; init; }

    public string ResultPath(FitSpec fit) => Path.Combine(Folder, FitsFolder, $"run{fit.Run:D2}", fit.Key + ".fit");

    public string CheckpointPath(FitSpec fit) => Path.Combine(Folder, CheckpointsFolder, fit.Key + trainer.ModelExtension);

    private string ClaimName(FitSpec fit) => Path.Combine(Folder, ClaimsFolder, $"run{fit.Run:D2}", fit.Key);

    /// <summary>Trains this process's unfinished fits; returns the finished fits' results in plan order (all of them
    /// without a shard: the reports are written from them) and the keys still missing.</summary>
    public ProtocolRunResult Run(ProtocolManifest manifest, IProgress<ProtocolProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(Folder);
        manifest.EnsureMatches(Folder);
        UnfinishedMarker.Create(Folder);
        RemoveStaleTemporaries();
        var clock = Stopwatch.StartNew();
        var mine = Shard is null ? null : ShardAssignment.KeysOf(plan, Shard);
        var log = new WorkerLog(Folder);

        // Finished fits of every run first, so progress and ETA count only the work left.
        var finishedByRun = plan.RunNumbers.ToDictionary(n => n, n => Finished(plan.GetRun(n)));
        int total = mine?.Count ?? plan.TotalFits;
        int resumed = finishedByRun.Values.Sum(f => mine is null ? f.Count : f.Keys.Count(mine.Contains));
        var counter = new ProgressCounter(progress, total, resumed, clock);
        counter.Report(null);

        foreach (int runNumber in plan.RunNumbers)
        {
            var run = plan.GetRun(runNumber);
            var finished = finishedByRun[runNumber];
            var todo = run.Fits.Where(f => (mine is null || mine.Contains(f.Key)) && !finished.ContainsKey(f.Key)).ToList();
            using var models = new ModelCache();
            while (todo.Count > 0)
            {
                todo = TrainPass(run, todo, models, finished, log, counter, cancellation);
                if (todo.Count == 0 || Shard is not null) break;
                counter.Report($"waiting for {todo[0].Key} ({FileLease.Holder(ClaimName(todo[0]))?.Owner.ToString() ?? "released"})");
                cancellation.WaitHandle.WaitOne(WaitInterval);
            }
            if (!run.IsShared) foreach (var fit in run.Fits.Where(f => run.HasDependents(f.Key))) ReleaseIfDone(run, fit, finished, models);
        }
        // The shared run's models serve every run (reloaded from their checkpoints): kept until every run's dependents
        // have their result files, whichever process wrote them.
        if (plan.SharedRun is { } shared)
        {
            var later = Enumerable.Range(1, plan.Options.Runs).Select(plan.GetRun).ToArray();
            foreach (var fit in shared.Fits.Where(f => shared.HasDependents(f.Key)))
                if (later.All(r => r.Fits.Where(f => f.ParentKey == fit.Key).All(f => File.Exists(ResultPath(f)))))
                {
                    string checkpoint = CheckpointPath(fit);
                    if (File.Exists(checkpoint)) File.Delete(checkpoint);
                }
        }

        string checkpoints = Path.Combine(Folder, CheckpointsFolder);
        if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any())
            try { Directory.Delete(checkpoints); } catch (IOException) { } // another process just wrote one
        var results = new List<FitResult>();
        var missing = new List<string>();
        foreach (int runNumber in plan.RunNumbers)
            foreach (var fit in plan.GetRun(runNumber).Fits)
            {
                if (finishedByRun[runNumber].TryGetValue(fit.Key, out var result)) results.Add(result);
                else if (FitResultFile.TryRead(ResultPath(fit)) is { } other) results.Add(other);
                else missing.Add(fit.Key);
            }
        if (missing.Count > 0) UnfinishedMarker.Write(Folder, missing, plan.TotalFits);
        return new ProtocolRunResult(results, resumed) { Missing = missing, Trained = log.Count };
    }

    /// <summary>Temporary files of atomic writes that a killed process left behind in this results folder: a writer
    /// that no longer runs on this host, and a file older than a claim's staleness limit (so the in-flight file of a
    /// live writer on another host, whose pid means nothing here, is never touched).</summary>
    private void RemoveStaleTemporaries()
    {
        foreach (var sub in new[] { FitsFolder, CheckpointsFolder, ClaimsFolder })
        {
            string path = Path.Combine(Folder, sub);
            if (!Directory.Exists(path)) continue;
            foreach (var file in Directory.EnumerateFiles(path, ".*.tmp", SearchOption.AllDirectories))
            {
                // AtomicFile's temporary names: ".{name}.{pid}.{guid}.tmp".
                var parts = Path.GetFileName(file).Split('.');
                if (parts.Length < 4 || !int.TryParse(parts[^3], out int pid)) continue;
                if (pid == Environment.ProcessId || File.Exists($"/proc/{pid}/stat")) continue;
                try
                {
                    if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > Leases.StaleAfter) File.Delete(file);
                }
                catch (IOException) { } // its writer renamed or removed it meanwhile
            }
        }
    }

    /// <summary>The fits of a run whose result file exists, is intact and matches the plan.</summary>
    private ConcurrentDictionary<string, FitResult> Finished(RunPlan run)
    {
        var finished = new ConcurrentDictionary<string, FitResult>();
        foreach (var fit in run.Fits)
            if (ReadResult(fit) is { } existing) finished[fit.Key] = existing;
        return finished;
    }

    private FitResult? ReadResult(FitSpec fit) =>
        FitResultFile.TryRead(ResultPath(fit)) is { } existing && existing.Key == fit.Key
        && existing.Fingerprint == FitFingerprint.Of(fit, plan.Cohort, plan.Options.Training) ? existing : null;

    /// <summary>
    /// One pass over <paramref name="todo"/> by <see cref="Parallelism"/>'s workers (the calling thread alone for one); returns
    /// the fits deferred because another process holds them or their parent, in plan order. The first failure stops the
    /// other workers' fits at their next epoch and is rethrown.
    /// </summary>
    private List<FitSpec> TrainPass(RunPlan run, List<FitSpec> todo, ModelCache models,
        ConcurrentDictionary<string, FitResult> finished, WorkerLog log, ProgressCounter counter, CancellationToken cancellation)
    {
        var queue = new FitQueue(todo);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var stop = stopping.Token.Register(queue.Stop);
        ExceptionDispatchInfo? failure = null;
        // Everything a worker does is inside the try: an exception escaping a thread of its own would end the process.
        void Work()
        {
            try
            {
                while (queue.Take() is { } fit)
                {
                    var result = TryExecute(run, fit, models, finished, log, () => counter.Report(queue.Training), stopping.Token);
                    if (result is null)
                    {
                        queue.Postpone(fit);
                        continue;
                    }
                    queue.Finish(fit, () =>
                    {
                        finished[fit.Key] = result;
                        counter.Finished();
                        if (fit.ParentKey is { } parent && run.Owns(parent)) ReleaseIfDone(run, run[parent], finished, models);
                    });
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                stopping.Cancel();
            }
        }
        int workers = Math.Min(Parallelism.Jobs, todo.Count);
        if (workers <= 1) Work();
        else
        {
            var threads = Enumerable.Range(1, workers).Select(i => new Thread(Work) { Name = $"protocol worker {i}", IsBackground = true }).ToArray();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
        }
        failure?.Throw();
        cancellation.ThrowIfCancellationRequested();
        return queue.Deferred;
    }

    /// <summary>Claims, trains and records one fit; null when another live process holds it (or took it over from this
    /// one). A fit that another process finished meanwhile is read, not trained.</summary>
    private FitResult? TryExecute(RunPlan run, FitSpec fit, ModelCache models, ConcurrentDictionary<string, FitResult> finished,
        WorkerLog log, Action starting, CancellationToken cancellation)
    {
        if (ReadResult(fit) is { } done) return done;
        using var lease = FileLease.TryAcquire(ClaimName(fit), Leases);
        if (lease is null) return null;
        // The holder before us may have just finished it.
        if (ReadResult(fit) is { } justDone) return justDone;
        starting();
        var clock = Stopwatch.StartNew();
        var result = Execute(run, fit, models, finished, cancellation);
        // Judged dead (no heartbeat) and taken over: the new holder publishes. Results are deterministic, so a
        // publication racing with this check writes the same bytes.
        if (!lease.IsHeld) return null;
        FitResultFile.Write(ResultPath(fit), result);
        log.Record(fit.Key, clock.Elapsed);
        return result;
    }

    private FitResult Execute(RunPlan run, FitSpec fit, ModelCache models, ConcurrentDictionary<string, FitResult> finished,
        CancellationToken cancellation)
    {
        ulong fingerprint = FitFingerprint.Of(fit, plan.Cohort, plan.Options.Training);
        if (fit.Kind == FitKind.MeanBaseline)
        {
            float estimate = MeanBaseline.Fit(plan.Cohort, fit.TrainRows);
            return new FitResult(fit.Key, fit.Run, fingerprint, FitSummary.None,
                fit.Evaluations.Select(e => Evaluation(fit, e, Enumerable.Repeat(estimate, e.TestRows.Length).ToArray())).ToArray());
        }
        var parent = fit.ParentKey is null ? null : ModelFor(run, run[fit.ParentKey], models, cancellation);
        var model = trainer.Train(fit, parent, cancellation);
        try
        {
            Trained?.Invoke(fit, model);
            var evaluations = fit.Evaluations.Select(e => Evaluation(fit, e, model.Predict(e.TestRows))).ToArray();
            var result = new FitResult(fit.Key, fit.Run, fingerprint, model.Summary, evaluations);
            if ((run.IsShared && run.HasDependents(fit.Key)) || !DependentsFinished(run, fit, finished))
            {
                string checkpoint = CheckpointPath(fit);
                Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
                model.Save(checkpoint);
                models.Add(fit.Key, model);
                model = null;
            }
            return result;
        }
        finally
        {
            model?.Dispose();
        }
    }

    /// <summary>A parent's model: in memory, else its checkpoint, else trained again (deterministic) without rewriting its result.</summary>
    private ITrainedModel ModelFor(RunPlan run, FitSpec fit, ModelCache models, CancellationToken cancellation)
    {
        // One worker at a time: two dependents of one parent load (or retrain) it once.
        lock (models) return LoadOrTrain(run, fit, models, cancellation);
    }

    private ITrainedModel LoadOrTrain(RunPlan run, FitSpec fit, ModelCache models, CancellationToken cancellation)
    {
        if (models.TryGet(fit.Key, out var cached)) return cached;
        string checkpoint = CheckpointPath(fit);
        ITrainedModel model;
        if (File.Exists(checkpoint))
        {
            model = trainer.Load(checkpoint);
        }
        else
        {
            var parent = fit.ParentKey is null ? null : ModelFor(run, run[fit.ParentKey], models, cancellation);
            model = trainer.Train(fit, parent, cancellation);
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            model.Save(checkpoint);
        }
        models.Add(fit.Key, model);
        return model;
    }

    /// <summary>Whether every fit that starts from <paramref name="parent"/> has its result file (by this process or another).</summary>
    private bool DependentsFinished(RunPlan run, FitSpec parent, ConcurrentDictionary<string, FitResult> finished) =>
        run.Fits.Where(f => f.ParentKey == parent.Key).All(f => finished.ContainsKey(f.Key) || File.Exists(ResultPath(f)));

    /// <summary>Drops a parent's model and checkpoint once all its dependents are finished; nobody needs them after that.</summary>
    private void ReleaseIfDone(RunPlan run, FitSpec parent, ConcurrentDictionary<string, FitResult> finished, ModelCache models)
    {
        if (!DependentsFinished(run, parent, finished)) return;
        models.Remove(parent.Key);
        string checkpoint = CheckpointPath(parent);
        if (File.Exists(checkpoint)) File.Delete(checkpoint);
    }

    private EvaluationResult Evaluation(FitSpec fit, EvaluationSpec e, float[] predictions) => new(
        e.Setting, fit.Run, e.Child,
        e.TestRows.Select(plan.Cohort.Frame).ToArray(),
        e.TestRows.Select(plan.Cohort.Label).ToArray(),
        predictions);

    /// <summary>Trained parent models kept for their dependents; disposes what it holds. Thread-safe: the lock is the
    /// cache itself, and a model is disposed under its own lock, which a trainer reading a parent holds.</summary>
    private sealed class ModelCache : IDisposable
    {
        private readonly Dictionary<string, ITrainedModel> _models = new();

        public bool TryGet(string key, out ITrainedModel model)
        {
            lock (this) return _models.TryGetValue(key, out model!);
        }

        public void Add(string key, ITrainedModel model)
        {
            lock (this) _models[key] = model;
        }

        public void Remove(string key)
        {
            ITrainedModel? model;
            lock (this) _models.Remove(key, out model);
            if (model is not null) lock (model) model.Dispose();
        }

        public void Dispose()
        {
            lock (this)
            {
                foreach (var model in _models.Values) model.Dispose();
                _models.Clear();
            }
        }
    }

    /// <summary>Fits done of the total, reported one at a time from any worker.</summary>
    private sealed class ProgressCounter(IProgress<ProtocolProgress>? progress, int total, int resumed, Stopwatch clock)
    {
        private int _finished; // in this process; the resumed ones were done before it

        public void Finished()
        {
            lock (this)
            {
                _finished++;
                progress?.Report(new ProtocolProgress(resumed + _finished, total, resumed, null, clock.Elapsed));
            }
        }

        public void Report(string? current)
        {
            lock (this) progress?.Report(new ProtocolProgress(resumed + _finished, total, resumed, current, clock.Elapsed));
        }
    }
}
