using CultureNet.Engine.Protocol.Planning;
using System.CommandLine;
using CultureNet.Engine.Data;

namespace CultureNet.Cli.Commands;

/// <summary>
/// <c>culturenet demo</c>, the main job on built-in data: generates a small SYNTHETIC cohort (2 cultures × 15 children),
/// runs the whole evaluation protocol (M1–M7, ME and the Fig. 3 analyses) with a few runs, prints Table II and writes the
/// figures. Resumable like <c>protocol</c>: run it again to continue an interrupted demo.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for the synthetic store (store-FRAMESxDIM-seedS/) and the results (results-runsN/)", DefaultValueFactory = _ => "out/demo" };
        var runs = new Option<int>("--runs") { Description = "protocol runs", DefaultValueFactory = _ => 2 };
        var frames = new Option<int>("--frames") { Description = "frames per child of the synthetic cohort", DefaultValueFactory = _ => 500 };
        var dim = new Option<int>("--dim") { Description = "feature dimension of the synthetic cohort", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "seed of the cohort and of the protocol", DefaultValueFactory = _ => 1 };
        var conventions = ProtocolCommand.ConventionsOption();
        var command = new Command("demo", "Run the whole protocol on a small generated (SYNTHETIC) cohort: Table II and Fig. 3") { output, runs, frames, dim, seed, conventions };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            string folder = r.GetValue(output)!;
            var cohort = new SyntheticCohortOptions
            {
                ChildrenPerCulture = 15, FramesPerChild = r.GetValue(frames), Dim = r.GetValue(dim), Seed = r.GetValue(seed),
            };
            // The store's name carries its parameters, so changed options never reuse a cohort made for others.
            string store = Path.Combine(folder, $"store-{cohort.FramesPerChild}x{cohort.Dim}-seed{cohort.Seed}");
            Console.WriteLine(SyntheticCohort.Disclaimer);
            if (!IsStore(store))
            {
                Console.WriteLine($"generating the synthetic cohort: 2 cultures × {cohort.ChildrenPerCulture} children × {cohort.FramesPerChild} frames × {cohort.Dim} features → {store}");
                SyntheticCohort.Generate(store, cohort);
            }
            var chosen = ProtocolCommand.ParseConventions(r.GetValue(conventions)!);
            // Paper-convention results keep the folder name they had before --conventions existed.
            string results = chosen == ProtocolConventions.Paper ? $"results-runs{r.GetValue(runs)}" : $"results-reference-runs{r.GetValue(runs)}";
            return ProtocolCommand.Execute(store, Path.Combine(folder, results),
                new ProtocolOptions { Runs = r.GetValue(runs), Seed = r.GetValue(seed), Conventions = chosen });
        }));
        return command;
    }

    private static bool IsStore(string dir)
    {
        if (!Directory.Exists(dir)) return false;
        try
        {
            using var store = FeatureStore.Open(dir);
            return true;
        }
        catch (CultureNet.Engine.CultureNetException)
        {
            return false;
        }
    }
}
