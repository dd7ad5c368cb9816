using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Slurm;

/// <summary>The test cluster is a real Slurm: a job array runs every task with its index, and a job that depends on the
/// array (afterok) runs only after all of them.</summary>
[Collection(SlurmCollection.Name)]
public class TestClusterTests(SlurmCluster slurm)
{
    [Fact]
    public void Job_array_runs_every_task_then_the_dependent_job()
    {
        slurm.EnsureRunning();
        using var dir = new TempDir();
        string task = dir.File("task.sh");
        File.WriteAllText(task, "#!/bin/bash\necho \"$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT\" > \"$1/task.$SLURM_ARRAY_TASK_ID\"\n");
        long array = slurm.Submit("--array=0-2", $"--output={dir.File("task-%a.out")}", task, dir.Path);
        long finish = slurm.Submit($"--dependency=afterok:{array}", $"--output={dir.File("finish.out")}",
            "--wrap", $"ls {dir.Path} | grep -c '^task\\.[0-9]$' > {dir.File("finished")}");

        var states = slurm.WaitForJobs(TimeSpan.FromMinutes(2), array, finish);

        Assert.Equal(4, states.Count);
        Assert.All(states, s => Assert.Equal("COMPLETED", s.Value));
        for (int i = 0; i < 3; i++)
            Assert.Equal($"{array} {i} 3", File.ReadAllText(dir.File($"task.{i}")).Trim());
        // The dependent job saw all three tasks' files: it started after they ended.
        Assert.Equal("3", File.ReadAllText(dir.File("finished")).Trim());
    }
}
