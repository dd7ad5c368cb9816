using System.Text;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Sessions;

/// <summary>What the protocol's Slurm jobs run and ask for. <see cref="Culturenet"/> is the command that starts
/// culturenet on the nodes (e.g. <c>/usr/bin/dotnet /opt/culturenet/culturenet.dll</c>); <see cref="ProtocolArguments"/>
/// are the protocol options every job passes (--settings, --runs, --seed, …): all jobs of one folder must agree.</summary>
public sealed record SlurmJobRequest(
    string Culturenet, string Store, string ResultsFolder, int Shards, IReadOnlyList<string> ProtocolArguments)
{
    public string? Partition { get; init; }
    public string? Time { get; init; }
    public int? CpusPerTask { get; init; }
    public string? Memory { get; init; }
}

/// <summary>The two batch scripts written into <c>RESULTS/slurm/</c>, and the job ids once submitted.</summary>
public sealed record SlurmJobFiles(string ArrayScript, string FinishScript)
{
    public long? ArrayJob { get; init; }
    public long? FinishJob { get; init; }
}

/// <summary>
/// The protocol as Slurm jobs: a job array whose task I of N runs <c>culturenet protocol … --shard I/N</c>, and a
/// finishing job (<c>--dependency=afterok:ARRAY</c>) that runs the same command without a shard — it trains whatever a
/// failed task left and writes the reports. Every job asks for the same resources, so every fit is trained with the
/// same thread count (results are deterministic per thread count).
/// </summary>
public static class SlurmJobs
{
    public const string Folder = "slurm";
    public const string ArrayScriptName = "protocol-shards.sbatch";
    public const string FinishScriptName = "protocol-finish.sbatch";

    public static SlurmJobFiles Write(SlurmJobRequest request)
    {
        if (request.Shards < 1) throw new CultureNetException($"--shards {request.Shards}: expected at least 1");
        string results = Path.GetFullPath(request.ResultsFolder);
        string dir = Path.Combine(results, Folder);
        var arguments = request.ProtocolArguments.ToList();
        // A job uses the cores Slurm gave it; saying so makes every job, and a rerun elsewhere, use the same count.
        if (request.CpusPerTask is { } cpus && !arguments.Contains("--threads")) arguments.AddRange(["--threads", cpus.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        string protocol = $"{request.Culturenet} protocol --store {Quote(Path.GetFullPath(request.Store))} --out {Quote(results)}"
                          + string.Concat(arguments.Select(a => " " + Quote(a)));
        var files = new SlurmJobFiles(Path.Combine(dir, ArrayScriptName), Path.Combine(dir, FinishScriptName));
        AtomicFile.WriteAllText(files.ArrayScript, Script(request, "culturenet-shards",
            [$"--array=1-{request.Shards}", $"--output={Path.Combine(dir, "shard-%a.out")}"],
            $"{protocol} --shard \"${{SLURM_ARRAY_TASK_ID}}/{request.Shards}\""));
        AtomicFile.WriteAllText(files.FinishScript, Script(request, "culturenet-finish",
            [$"--output={Path.Combine(dir, "finish.out")}"], protocol));
        return files;
    }

    /// <summary>Submits the array, then the finishing job depending on it, with <c>sbatch --parsable</c>.</summary>
    public static SlurmJobFiles Submit(SlurmJobFiles files)
    {
        long array = Sbatch(files.ArrayScript);
        long finish = Sbatch($"--dependency=afterok:{array}", files.FinishScript);
        return files with { ArrayJob = array, FinishJob = finish };
    }

    private static string Script(SlurmJobRequest request, string name, IEnumerable<string> directives, string command)
    {
        var text = new StringBuilder("#!/bin/bash\n");
        var all = new List<string> { $"--job-name={name}" };
        all.AddRange(directives);
        if (request.Partition is { } p) all.Add($"--partition={p}");
        if (request.Time is { } t) all.Add($"--time={t}");
        if (request.CpusPerTask is { } c) all.Add($"--cpus-per-task={c}");
        if (request.Memory is { } m) all.Add($"--mem={m}");
        foreach (var d in all) text.Append("#SBATCH ").Append(d).Append('\n');
        text.Append("# Written by `culturenet slurm`. Every job of this results folder must use the same protocol options\n");
        text.Append("# and the same --cpus-per-task: results are deterministic per thread count.\n");
        text.Append("set -euo pipefail\n");
        text.Append("exec ").Append(command).Append('\n');
        return text.ToString();
    }

    private static long Sbatch(params string[] args)
    {
        var run = ChildProcess.Run("sbatch", ["--parsable", .. args], "is Slurm's client installed and on PATH?");
        string output = run.Stdout.Trim();
        // --parsable prints "ID" or "ID;CLUSTER".
        if (run.ExitCode != 0 || !long.TryParse(output.Split(';')[0], out long id))
            throw new CultureNetException($"sbatch {string.Join(' ', args)}: exit {run.ExitCode}: {run.Stderr.Trim()}{output}");
        return id;
    }

    /// <summary>Single-quotes a word for bash when it holds anything but safe characters.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=,:+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
