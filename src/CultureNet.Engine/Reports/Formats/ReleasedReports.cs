using CultureNet.Engine.Cohort;
using CultureNet.Engine.IO;
using CultureNet.Engine.Metrics;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using System.Text;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// <c>reference/</c> of a results folder made with <c>--conventions reference</c>: the files the released code's
/// <c>runIROS.py</c> leaves in <c>Reports/</c> (genNet.make_report per fit, utils.process_summary per folder) for the fits
/// that were run, in its order and number formats (docs/protocol.md, "reference/: the released code's files"). The
/// <c>Weights/</c> files are saved while training (<see cref="WeightFiles"/>). Rebuilt from every fit's result, so a resumed
/// run writes the same files.
/// </summary>
public static class ReleasedReports
{
    public const string Folder = "reference";
    public const string ReportsFolder = "Reports";
    public const string WeightsFolder = "Weights";

    private static readonly Setting[] ReleasedSettings =
        [Setting.M1, Setting.M2, Setting.M3, Setting.M4, Setting.M5, Setting.M6, Setting.M7];

    private static readonly string[] MetricNames = ["icc", "pcc", "ccc", "mae"];

    /// <summary>The released code's fits in its order, each with its report folder name (<c>m1</c> … <c>m7</c>,
    /// <c>m7_joint_prelim</c>, <c>m7_prelim</c>): run_prelim_m7's stages, then for each loop index i and run M1 … M7, culture
    /// C0 before C1, the target being the child at position −i mod n of its culture's ascending ids. Only fits that are
    /// scored (M3 is not when only M4 was asked for).</summary>
    public static IReadOnlyList<(string Key, string Name)> ReleasedOrder(ProtocolPlan plan)
    {
        var order = new List<(string, string)>();
        var cohort = plan.Cohort;
        if (plan.SharedRun is { } shared)
        {
            order.Add((ProtocolPlanner.M7SharedJointKey, "m7_joint_prelim"));
            foreach (byte c in cohort.Cultures) order.Add((ProtocolPlanner.M7SharedCultureKey(c), "m7_prelim"));
        }
        var requested = plan.Options.Settings.Where(s => !s.IsVariant).Select(s => s.Base).ToHashSet();
        var ids = cohort.Cultures.ToDictionary(c => c, c => cohort.ChildrenOf(c).Order().ToArray());
        int n = ids.Values.First().Length;
        for (int i = 0; i < n; i++)
            foreach (int run in Enumerable.Range(1, plan.Options.Runs))
                foreach (var setting in ReleasedSettings.Where(requested.Contains))
                    foreach (byte c in cohort.Cultures)
                        order.Add((ProtocolPlanner.FitKey(run, setting.ToString(), ids[c][(n - i) % n]), setting.ToString().ToLowerInvariant()));
        return order;
    }

    /// <summary>Weights/&lt;name&gt;_weights.h5 of each report name, and the fit it holds: each released fit overwrites its
    /// file, so the last one in the released order.</summary>
    public static IReadOnlyDictionary<string, string> WeightFiles(ProtocolPlan plan)
    {
        var last = new Dictionary<string, string>();
        foreach (var (key, name) in ReleasedOrder(plan)) last[name] = key;
        return last.ToDictionary(kv => kv.Value, kv => Path.Combine(WeightsFolder, kv.Key + "_weights.h5"));
    }

    public static void Write(string folder, ProtocolPlan plan, IEnumerable<FitResult> results)
    {
        var byKey = results.ToDictionary(r => r.Key);
        var folders = ReleasedOrder(plan)
            .Where(f => byKey.TryGetValue(f.Key, out var r) && r.Evaluations.Count > 0)
            .GroupBy(f => f.Name, f => byKey[f.Key]);
        foreach (var group in folders)
        {
            string dir = Path.Combine(folder, ReportsFolder, "ExperimentdS_deep_" + group.Key);
            var fits = group.ToArray();
            WriteEvaluationReport(Path.Combine(dir, "evaluation_report.txt"), fits);
            var lines = MetricLines(fits);
            for (int m = 0; m < MetricNames.Length; m++)
                AtomicFile.WriteAllText(Path.Combine(dir, $"{MetricNames[m]}_report.txt"),
                    string.Concat(lines.Select(l => $"{PythonNumbers.Repr(l.Child.Culture)},{PythonNumbers.Repr(l.Child.Child)},{l.Text[m]}\n")));
            // utils.process_summary skips the folders whose name ends in "prelim".
            if (!group.Key.EndsWith("prelim", StringComparison.Ordinal)) WriteSummaries(dir, lines);
        }
    }

    private static void WriteEvaluationReport(string path, IEnumerable<FitResult> fits) => AtomicFile.WriteText(path, w =>
    {
        w.Write("Country,Child,Frame,dense_5_Actual,dense_5_Prediction\n");
        foreach (var e in fits.SelectMany(f => f.Evaluations))
        {
            string prefix = $"{PythonNumbers.Repr(e.Child.Culture)},{PythonNumbers.Repr(e.Child.Child)},";
            for (int i = 0; i < e.Frames.Length; i++)
                w.Write($"{prefix}{PythonNumbers.Repr(e.Frames[i])},{PythonNumbers.Repr(e.Labels[i])},{PythonNumbers.Float32(e.Predictions[i])}\n");
        }
    });

    /// <summary>One metric line per fit and tested child, as make_report: per fit, cultures and children ascending.</summary>
    private static List<(ChildId Child, double[] Value, string[] Text)> MetricLines(IEnumerable<FitResult> fits)
    {
        var lines = new List<(ChildId, double[], string[])>();
        foreach (var fit in fits)
            foreach (var e in fit.Evaluations.OrderBy(e => e.Child))
            {
                var icc = ReleasedMetrics.Icc(e.Labels, e.Predictions);
                var scores = ReleasedMetrics.Compute(e.Labels, e.Predictions);
                double[] values = [icc.Value, scores.Pc, scores.Ccc, scores.Mae];
                // An ICC that fell back to 0 is the integer 0 in the released code, printed "0".
                string[] text = [icc.FellBackToZero ? "0" : PythonNumbers.Repr(icc.Value), PythonNumbers.Repr(scores.Pc),
                    PythonNumbers.Repr(scores.Ccc), PythonNumbers.Repr(scores.Mae)];
                lines.Add((e.Child, values, text));
            }
        return lines;
    }

    /// <summary>utils.process_summary: per culture c<c>_&lt;metric&gt;_report.txt (child, mean over its lines), per metric
    /// &lt;metric&gt;_final_report.csv (mean, population SD over the children) and final_report.csv (all four), %.18e.</summary>
    private static void WriteSummaries(string dir, List<(ChildId Child, double[] Value, string[] Text)> lines)
    {
        var cultures = lines.Select(l => l.Child.Culture).Distinct().Order().ToArray();
        var finals = new Dictionary<(byte, int), (double Mean, double Sd)>();
        for (int m = 0; m < MetricNames.Length; m++)
        {
            var final = new StringBuilder();
            foreach (byte c in cultures)
            {
                var perChild = lines.Where(l => l.Child.Culture == c).GroupBy(l => l.Child.Child).OrderBy(g => g.Key)
                    .Select(g => (Child: g.Key, Mean: g.Average(l => l.Value[m]))).ToArray();
                AtomicFile.WriteAllText(Path.Combine(dir, $"c{c}_{MetricNames[m]}_report.txt"),
                    string.Concat(perChild.Select(p => $"{PythonNumbers.Scientific18(p.Child)} {PythonNumbers.Scientific18(p.Mean)}\n")));
                var summary = MeanSd.Of(perChild.Select(p => p.Mean).ToArray());
                finals[(c, m)] = (summary.Mean, summary.Sd);
                final.Append($"{PythonNumbers.Scientific18(summary.Mean)},{PythonNumbers.Scientific18(summary.Sd)}\n");
            }
            AtomicFile.WriteAllText(Path.Combine(dir, $"{MetricNames[m]}_final_report.csv"), final.ToString());
        }
        AtomicFile.WriteAllText(Path.Combine(dir, "final_report.csv"), string.Concat(cultures.Select(c =>
            string.Join(',', Enumerable.Range(0, MetricNames.Length)
                .SelectMany(m => new[] { finals[(c, m)].Mean, finals[(c, m)].Sd }).Select(PythonNumbers.Scientific18)) + "\n")));
    }
}
