using System.Diagnostics;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>Several `culturenet protocol` processes on one results folder: shards started at once, a shard killed
/// mid-fit and restarted, and a process with other arguments, against one uninterrupted process's reports.</summary>
[Trait("Category", "Slow")]
public class ProtocolShardTests(ShardedProtocolFixture cohort) : IClassFixture<ShardedProtocolFixture>
{
    [Fact]
    public async Task Three_shards_started_at_once_then_the_plain_command_report_as_one_process_and_train_each_fit_once()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        var shards = Enumerable.Range(1, 3).Select(i => CliProcess.Start(cohort.Args(results, "--shard", $"{i}/3"))).ToList();
        foreach (var shard in shards)
        {
            Assert.True(shard.Process.WaitForExit(TimeSpan.FromMinutes(3)), "a shard did not finish");
            Assert.True(shard.Process.ExitCode == 0, await shard.Stderr);
            Assert.Contains("run the same command without --shard", await shard.Stdout);
            shard.Dispose();
        }
        Assert.True(UnfinishedMarker.IsPresent(results), "the shards alone must leave the folder marked unfinished");
        Assert.False(File.Exists(Path.Combine(results, "table2.md")));

        var finish = CliProcess.Run(cohort.Args(results));
        Assert.True(finish.ExitCode == 0, finish.Stderr);
        cohort.AssertSameReports(results);
        cohort.AssertEachFitTrainedOnce(results);
        Assert.Empty(Claims(results));
    }

    [Fact]
    public void A_shard_killed_mid_fit_and_started_again_finishes_the_work()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        string[] shard = cohort.Args(results, "--shard", "1/2");
        // Kill (SIGKILL) while a claim is held, so a fit is half trained; retry when the kill landed between fits.
        string[] abandoned = [];
        for (int attempt = 0; attempt < 20 && abandoned.Length == 0; attempt++)
        {
            using var running = CliProcess.Start(shard);
            var clock = Stopwatch.StartNew();
            while (!running.Process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)
                   && Claims(results).Length == 0)
                Thread.Sleep(1);
            if (running.Process.HasExited) break;
            running.Process.Kill(entireProcessTree: true);
            running.Process.WaitForExit();
            abandoned = Claims(results);
        }
        Assert.True(abandoned.Length > 0, "no shard was killed while it held a claim");
        string abandonedFit = Path.GetFileNameWithoutExtension(abandoned[0]);
        Assert.DoesNotContain(abandonedFit, WorkerLog.RecordedKeys(results));

        var again = CliProcess.Run(shard);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains(abandonedFit, WorkerLog.RecordedKeys(results));
        Assert.Empty(Claims(results));
        var other = CliProcess.Run(cohort.Args(results, "--shard", "2/2"));
        Assert.True(other.ExitCode == 0, other.Stderr);
        var finish = CliProcess.Run(cohort.Args(results));
        Assert.True(finish.ExitCode == 0, finish.Stderr);
        Assert.Contains("resumed: 178 of 178", finish.Stdout);
        cohort.AssertSameReports(results);
        cohort.AssertEachFitTrainedOnce(results);
    }

    [Fact]
    public async Task A_process_with_another_seed_on_the_same_folder_is_refused_and_the_folder_stays_consistent()
    {
        using var dir = new TempDir();
        string results = dir.File("results");
        using var first = CliProcess.Start(cohort.Args(results));
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(results, ProtocolManifest.FileName)) && clock.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(5);

        string[] otherSeed = cohort.Args(results).Select(a => a == "9" ? "10" : a).ToArray();
        var refused = CliProcess.Run(otherSeed);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: ", refused.Stderr);
        Assert.Contains("--seed 9 (now 10)", refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr);

        Assert.True(first.Process.WaitForExit(TimeSpan.FromMinutes(3)));
        Assert.True(first.Process.ExitCode == 0, await first.Stderr);
        cohort.AssertSameReports(results);
        cohort.AssertEachFitTrainedOnce(results);
    }

    /// <summary>Claim files (KEY.GENERATION) in force; not the temporary files a killed writer may leave.</summary>
    private static string[] Claims(string results)
    {
        string claims = Path.Combine(results, ProtocolRunner.ClaimsFolder);
        return Directory.Exists(claims)
            ? Directory.GetFiles(claims, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToArray()
            : [];
    }
}
