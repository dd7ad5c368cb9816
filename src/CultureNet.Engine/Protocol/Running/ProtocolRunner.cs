using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.IO;
using System.Diagnostics;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// Runs a protocol plan into a results folder, resumably. Layout:
/// <list type="bullet">
/// <item><c>protocol.json</c>: the arguments (a restart with other arguments is refused);</item>
/// <item><c>fits/runNN/KEY.fit</c>: one atomically written result per finished fit — on restart these fits are skipped;</item>
/// <item><c>checkpoints/KEY.*</c>: weights of a fit that later fits start from (M3 for M4, M7's joint and culture
/// models), written before its result and deleted once all its dependents are finished;</item>
/// <item>the reports (Reports.ProtocolReports), written afterwards from every fit's result (resumed or trained), so a
/// resumed run ends with the same files as an uninterrupted one.</item>
/// </list>
/// </summary>
public sealed class ProtocolRunner(ProtocolPlan plan, IFitTrainer trainer, string folder)
{
    public const string FitsFolder = "fits";
    public const string CheckpointsFolder = "checkpoints";

    public string Folder { get; } = folder;

    public ProtocolPlan Plan { get; } = plan;

    /// <summary>Called with every network this process trains, before its result is recorded (e.g. to keep models).</summary>
    public Action<FitSpec, ITrainedModel>? Trained { get; init; }

    public string ResultPath(FitSpec fit) => Path.Combine(Folder, FitsFolder, $"run{fit.Run:D2}", fit.Key + ".fit");

    public string CheckpointPath(FitSpec fit) => Path.Combine(Folder, CheckpointsFolder, fit.Key + trainer.ModelExtension);

    /// <summary>Trains every unfinished fit; returns every fit's result in plan order (the reports are written from them).</summary>
    public ProtocolRunResult Run(ProtocolManifest manifest, IProgress<ProtocolProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(Folder);
        manifest.EnsureMatches(Folder);
        RemoveStaleTemporaries();
        var clock = Stopwatch.StartNew();

        // Finished fits of every run first, so progress and ETA count only the work left.
        var finishedByRun = plan.RunNumbers.ToDictionary(n => n, n => Finished(plan.GetRun(n)));
        int resumed = finishedByRun.Values.Sum(f => f.Count);
        int done = resumed;
        progress?.Report(new ProtocolProgress(done, plan.TotalFits, resumed, null, clock.Elapsed));

        var results = new List<FitResult>(plan.TotalFits);
        foreach (int runNumber in plan.RunNumbers)
        {
            var run = plan.GetRun(runNumber);
            var finished = finishedByRun[runNumber];
            var pending = run.Fits.Where(f => f.ParentKey is not null && !finished.ContainsKey(f.Key) && run.Owns(f.ParentKey))
                .GroupBy(f => f.ParentKey!).ToDictionary(g => g.Key, g => g.Count());
            using var models = new ModelCache();
            foreach (var fit in run.Fits)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!finished.TryGetValue(fit.Key, out var result))
                {
                    progress?.Report(new ProtocolProgress(done, plan.TotalFits, resumed, fit.Key, clock.Elapsed));
                    result = Execute(run, fit, models, pending, cancellation);
                    done++;
                    progress?.Report(new ProtocolProgress(done, plan.TotalFits, resumed, null, clock.Elapsed));
                    if (fit.ParentKey is { } parent && run.Owns(parent) && --pending[parent] == 0) Release(run[parent], models);
                }
                results.Add(result);
            }
            if (!run.IsShared) foreach (var fit in run.Fits.Where(f => run.HasDependents(f.Key))) Release(fit, models);
        }
        // The shared run's models serve every run (reloaded from their checkpoints); kept until the last run is done.
        if (plan.SharedRun is { } shared)
        {
            using var none = new ModelCache();
            foreach (var fit in shared.Fits.Where(f => shared.HasDependents(f.Key))) Release(fit, none);
        }

        string checkpoints = Path.Combine(Folder, CheckpointsFolder);
        if (Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any()) Directory.Delete(checkpoints);
        return new ProtocolRunResult(results, resumed);
    }

    /// <summary>Temporary files of atomic writes that a killed process left behind in this results folder.</summary>
    private void RemoveStaleTemporaries()
    {
        foreach (var sub in new[] { FitsFolder, CheckpointsFolder })
        {
            string path = Path.Combine(Folder, sub);
            if (!Directory.Exists(path)) continue;
            foreach (var file in Directory.EnumerateFiles(path, ".*.tmp", SearchOption.AllDirectories)) File.Delete(file);
        }
    }

    /// <summary>The fits of a run whose result file exists, is intact and matches the plan.</summary>
    private Dictionary<string, FitResult> Finished(RunPlan run)
    {
        var finished = new Dictionary<string, FitResult>();
        foreach (var fit in run.Fits)
            if (FitResultFile.TryRead(ResultPath(fit)) is { } existing && existing.Key == fit.Key
                && existing.Fingerprint == FitFingerprint.Of(fit, plan.Cohort))
                finished[fit.Key] = existing;
        return finished;
    }

    private FitResult Execute(RunPlan run, FitSpec fit, ModelCache models,
        IReadOnlyDictionary<string, int> pending, CancellationToken cancellation)
    {
        FitResult result;
        ulong fingerprint = FitFingerprint.Of(fit, plan.Cohort);
        if (fit.Kind == FitKind.MeanBaseline)
        {
            float estimate = MeanBaseline.Fit(plan.Cohort, fit.TrainRows);
            result = new FitResult(fit.Key, fit.Run, fingerprint, FitSummary.None,
                fit.Evaluations.Select(e => Evaluation(fit, e, Enumerable.Repeat(estimate, e.TestRows.Length).ToArray())).ToArray());
        }
        else
        {
            var parent = fit.ParentKey is null ? null : ModelFor(run, run[fit.ParentKey], models, cancellation);
            var model = trainer.Train(fit, parent, cancellation);
            try
            {
                Trained?.Invoke(fit, model);
                var evaluations = fit.Evaluations.Select(e => Evaluation(fit, e, model.Predict(e.TestRows))).ToArray();
                result = new FitResult(fit.Key, fit.Run, fingerprint, model.Summary, evaluations);
                if ((pending.TryGetValue(fit.Key, out int dependents) && dependents > 0) || (run.IsShared && run.HasDependents(fit.Key)))
                {
                    string checkpoint = CheckpointPath(fit);
                    Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
                    model.Save(checkpoint);
                    models.Add(fit.Key, model);
                    model = null;
                }
            }
            finally
            {
                model?.Dispose();
            }
        }
        FitResultFile.Write(ResultPath(fit), result);
        return result;
    }

    /// <summary>A parent's model: in memory, else its checkpoint, else trained again (deterministic) without rewriting its result.</summary>
    private ITrainedModel ModelFor(RunPlan run, FitSpec fit, ModelCache models, CancellationToken cancellation)
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

    private void Release(FitSpec parent, ModelCache models)
    {
        models.Remove(parent.Key);
        string checkpoint = CheckpointPath(parent);
        if (File.Exists(checkpoint)) File.Delete(checkpoint);
    }

    private EvaluationResult Evaluation(FitSpec fit, EvaluationSpec e, float[] predictions) => new(
        e.Setting, fit.Run, e.Child,
        e.TestRows.Select(plan.Cohort.Frame).ToArray(),
        e.TestRows.Select(plan.Cohort.Label).ToArray(),
        predictions);

    /// <summary>Trained parent models kept for their dependents; disposes what it holds.</summary>
    private sealed class ModelCache : IDisposable
    {
        private readonly Dictionary<string, ITrainedModel> _models = new();

        public bool TryGet(string key, out ITrainedModel model) => _models.TryGetValue(key, out model!);

        public void Add(string key, ITrainedModel model) => _models[key] = model;

        public void Remove(string key)
        {
            if (_models.Remove(key, out var model)) model.Dispose();
        }

        public void Dispose()
        {
            foreach (var model in _models.Values) model.Dispose();
            _models.Clear();
        }
    }
}
