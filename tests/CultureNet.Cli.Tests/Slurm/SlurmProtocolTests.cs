using System.Text.RegularExpressions;
using CultureNet.Cli.Tests.Commands;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Slurm;

/// <summary>`culturenet slurm --submit` on the real test cluster: a job array of three shards and the finishing job
/// (afterok) end with the reports of one uninterrupted process.</summary>
[Collection(SlurmCollection.Name)]
[Trait("Category", "Slow")]
public partial class SlurmProtocolTests(SlurmCluster slurm) : IDisposable
{
    private readonly ShardedProtocolFixture _cohort = new();

    public void Dispose() => _cohort.Dispose();

    [Fact]
    public void A_job_array_of_three_shards_and_the_finishing_job_report_as_one_process()
    {
        slurm.EnsureRunning();
        using var dir = new TempDir();
        string results = dir.File("results");
        string[] protocol = _cohort.Args(results)[5..]; // the options after --store S --out R
        var submitted = CliProcess.RunWith(info => info.Environment["SLURM_CONF"] = slurm.ConfigFile,
            ["slurm", "--store", _cohort.Store, "--out", results, "--shards", "3", "--time", "00:10:00", "--cpus-per-task", "1", "--submit", .. protocol]);
        Assert.True(submitted.ExitCode == 0, submitted.Stderr + submitted.Stdout);
        var ids = Submitted().Match(submitted.Stdout);
        Assert.True(ids.Success, submitted.Stdout);
        long array = long.Parse(ids.Groups[1].Value), finish = long.Parse(ids.Groups[2].Value);

        var states = slurm.WaitForJobs(TimeSpan.FromMinutes(8), array, finish);
        string logs = string.Join("\n", Directory.GetFiles(Path.Combine(results, SlurmJobs.Folder), "*.out").Select(f => $"--- {f}\n{File.ReadAllText(f)}"));
        Assert.True(states.Count == 4 && states.Values.All(s => s == "COMPLETED"),
            $"{string.Join(", ", states.Select(s => $"{s.Key}={s.Value}"))}\n{logs}\n{slurm.Logs()}");
        for (int i = 1; i <= 3; i++)
            Assert.Contains($"shard {i}/3: trained", File.ReadAllText(Path.Combine(results, SlurmJobs.Folder, $"shard-{i}.out")));
        _cohort.AssertSameReports(results);
        _cohort.AssertEachFitTrainedOnce(results);
    }

    [Fact]
    public void Protocol_options_the_protocol_would_refuse_are_refused_before_anything_is_submitted()
    {
        using var dir = new TempDir();
        var run = CliProcess.Run("slurm", "--store", dir.File("s"), "--out", dir.File("r"), "--shards", "2", "--runs", "many");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: protocol options '--runs many'", run.Stderr);
        Assert.False(Directory.Exists(dir.File("r")));
    }

    [GeneratedRegex(@"array job (\d+) \(3 tasks\), finishing job (\d+) \(afterok:\1\)")]
    private static partial Regex Submitted();
}
