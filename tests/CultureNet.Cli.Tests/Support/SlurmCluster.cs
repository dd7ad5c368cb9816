using System.Diagnostics;
using System.Text.RegularExpressions;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Support;

/// <summary>
/// A real one-node Slurm cluster (slurmctld, slurmd, munged from Debian's packages) started by
/// <c>tools/slurm/test-cluster.sh</c> under a temporary folder for the tests of one collection, and stopped after them.
/// When Slurm cannot start, every test using it fails with the script's reason and the daemons' log tails: a cluster
/// test that is skipped proves nothing.
/// </summary>
public sealed partial class SlurmCluster : IDisposable
{
    private static readonly string Script = Path.Combine(Python.RepoRoot, "tools", "slurm", "test-cluster.sh");
    private static readonly HashSet<string> Terminal =
        ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE"];

    private readonly TempDir _dir = new();
    private readonly string? _startError;

    public SlurmCluster()
    {
        var (code, stdout, stderr) = Tool("bash", Script, "start", StateDir);
        if (code != 0) _startError = $"the test Slurm cluster did not start (exit {code}):\n{stderr}{stdout}";
    }

    /// <summary>Where the cluster keeps its configuration, logs and state; jobs may write here too.</summary>
    public string StateDir => Path.Combine(_dir.Path, "cluster");

    /// <summary>The configuration every Slurm client command needs in <c>SLURM_CONF</c>.</summary>
    public string ConfigFile => Path.Combine(StateDir, "slurm.conf");

    /// <summary>Throws (failing the test) with the reason when the cluster did not start.</summary>
    public void EnsureRunning()
    {
        if (_startError is not null) throw new InvalidOperationException(_startError);
    }

    /// <summary>Runs a Slurm client command against this cluster; throws with its stderr on a non-zero exit.</summary>
    public string Client(string command, params string[] args)
    {
        EnsureRunning();
        var (code, stdout, stderr) = Tool(command, args);
        if (code != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }

    /// <summary><c>sbatch --parsable …</c>: the new job's id.</summary>
    public long Submit(params string[] args)
    {
        string output = Client("sbatch", ["--parsable", .. args]).Trim();
        var match = JobId().Match(output);
        if (!match.Success) throw new InvalidOperationException($"sbatch printed no job id: '{output}'");
        return long.Parse(match.Groups[1].Value);
    }

    /// <summary>Waits until every job (every task of an array job) has ended; returns each task's final state by
    /// its id (<c>12</c>, or <c>12_0</c> for array tasks).</summary>
    public IReadOnlyDictionary<string, string> WaitForJobs(TimeSpan timeout, params long[] jobs)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var states = new Dictionary<string, string>();
            foreach (long job in jobs)
                foreach (var line in Client("scontrol", "--oneliner", "show", "job", job.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    string id = Field(line, "ArrayTaskId") is { } task && Field(line, "ArrayJobId") is { } array
                        ? $"{array}_{task}" : Field(line, "JobId")!;
                    states[id] = Field(line, "JobState") ?? "?";
                }
            if (states.Values.All(Terminal.Contains)) return states;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Slurm jobs did not end within {timeout}: {string.Join(", ", states.Select(s => $"{s.Key}={s.Value}"))}\n{Logs()}");
            Thread.Sleep(200);
        }
    }

    /// <summary>The tails of the daemons' logs, for failure messages.</summary>
    public string Logs()
    {
        string logs = Path.Combine(StateDir, "log");
        if (!Directory.Exists(logs)) return "";
        return string.Join('\n', Directory.GetFiles(logs, "*.log").Order()
            .Select(f => $"--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(15))}"));
    }

    public void Dispose()
    {
        Tool("bash", Script, "stop", StateDir);
        _dir.Dispose();
    }

    private static string? Field(string line, string name)
    {
        var match = Regex.Match(line, $@"(?:^|\s){name}=(\S+)");
        return match.Success && match.Groups[1].Value != "N/A" ? match.Groups[1].Value : null;
    }

    private (int Code, string Stdout, string Stderr) Tool(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = ConfigFile;
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"{command}: {e.Message} (apt-get install slurmctld slurmd slurm-client munge)");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return (124, stdout.Result, $"{command} {string.Join(' ', args)} timed out\n{stderr.Result}");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    [GeneratedRegex(@"^(\d+)(?:;\S+)?$")]
    private static partial Regex JobId();
}

/// <summary>Test classes in this collection share one cluster.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm";
}
