using CultureNet.Engine.Models;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports;

/// <summary>The reports of a protocol run, rebuilt from every fit's result into its results folder.</summary>
public static class ProtocolReports
{
    /// <summary>Writes the tables (<see cref="ResultsFolder.WriteReports"/>) and fits.csv; returns the scores.</summary>
    public static ReportSet Write(string folder, ProtocolPlan plan, ProtocolRunResult run, ProtocolManifest manifest)
    {
        // The shared run 0 (M7's released prelim stages) is not a setting's score; reference/ reports it.
        var evaluations = run.Fits.Where(r => r.Run >= 1).SelectMany(r => r.Evaluations).ToArray();
        var reports = ResultsFolder.WriteReports(folder, evaluations,
            new Table2Context(manifest.Store, plan.Options.Runs, plan.Options.Split, plan.Options.Seed, manifest.Synthetic,
                plan.Options.Conventions, EngineLabel(plan.Options.Training)));
        FitsCsv.Write(Path.Combine(folder, ResultsFolder.Fits), run.Fits, plan.Options.Training);
        CompositionCsv.Write(Path.Combine(folder, ProtocolRunner.FitsFolder, CompositionCsv.FileName), plan);
        if (plan.Options.Conventions == ProtocolConventions.Reference)
            ReleasedReports.Write(Path.Combine(folder, ReleasedReports.Folder), plan, run.Fits);
        return reports;
    }

    /// <summary>"openblas, float32", or null for the default float32 on onednn.</summary>
    public static string? EngineLabel(GenNetTrainingOptions training) =>
        training.IsDefaultEngine ? null : $"{training.Backend ?? "default backend"}, {training.EffectivePolicy.Name}";
}
