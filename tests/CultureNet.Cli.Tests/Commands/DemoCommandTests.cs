using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Models;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet demo` end to end on a tiny cohort: synthetic store, whole protocol, Table II, figures; a second
/// call reuses the store and every finished fit.</summary>
public class DemoCommandTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Demo_runs_the_whole_protocol_marks_it_synthetic_and_resumes()
    {
        using var dir = new TempDir();
        string[] args = ["demo", "--out", dir.Path, "--frames", "30", "--dim", "8", "--runs", "1"];
        var first = CliProcess.RunFor(TimeSpan.FromMinutes(10), null, args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("generating the synthetic cohort", first.Stdout);
        Assert.Contains("Table II, culture C0 — SYNTHETIC data", first.Stdout);
        Assert.Contains("Table II, culture C1 — SYNTHETIC data", first.Stdout);
        // The default conventions are the released code's: their own results folder, with its Reports/ and Weights/.
        string results = Path.Combine(dir.Path, "results-reference-runs1");
        Assert.Contains("SYNTHETIC", File.ReadAllText(Path.Combine(results, ResultsFolder.Table2Md)));
        Assert.Contains("\"conventions\": \"reference\"", File.ReadAllText(Path.Combine(results, "protocol.json")));
        Assert.True(File.Exists(Path.Combine(results, ReleasedReports.Folder, "Reports", "ExperimentdS_deep_m7", "final_report.csv")));
        Assert.True(File.Exists(Path.Combine(results, ReleasedReports.Folder, "Weights", "m7_prelim_weights.h5")));
        Assert.Equal(7, Directory.GetFiles(Path.Combine(results, "figures"), "*.png").Length);
        // The last run's CultureNet: a last layer per culture and per child over one body.
        using (var culturenet = CultureNetModel.Load(Path.Combine(results, "models")))
        {
            Assert.Equal(new byte[] { 0, 1 }, culturenet.Cultures.Order());
            Assert.Equal(30, culturenet.Children.Count);
        }

        var second = CliProcess.RunFor(TimeSpan.FromMinutes(10), null, args);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.DoesNotContain("generating the synthetic cohort", second.Stdout);
        Assert.Matches(@"resumed: (\d+) of \1 fits", second.Stdout);
    }
}
