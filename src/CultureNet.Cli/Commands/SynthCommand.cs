using CultureNet.Cli.Display;
using System.CommandLine;
using CultureNet.Engine.Data;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet synth</c>: writes the seeded synthetic cohort (docs/synthetic-data.md) as a feature store.</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "directory of the feature store to write", Required = true };
        var children = new Option<int>("--children-per-culture") { Description = "children per culture (1–15; the first k reference ids)", DefaultValueFactory = _ => 15 };
        var frames = new Option<int>("--frames") { Description = "frames per child", DefaultValueFactory = _ => 6000 };
        var dim = new Option<int>("--dim") { Description = "feature dimension D", DefaultValueFactory = _ => 2048 };
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var dtype = new Option<string>("--dtype") { Description = "float32 or float16", DefaultValueFactory = _ => "float32" };
        var command = new Command("synth", "Generate the SYNTHETIC cohort (2 cultures × children × frames × D) as a feature store") { outDir, children, frames, dim, seed, dtype };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            var options = new SyntheticCohortOptions
            {
                ChildrenPerCulture = parse.GetValue(children),
                FramesPerChild = parse.GetValue(frames),
                Dim = parse.GetValue(dim),
                Seed = parse.GetValue(seed),
                DType = FeatureDTypeExtensions.Parse(parse.GetValue(dtype)!),
            };
            string dir = parse.GetValue(outDir)!;
            long rows = SyntheticCohort.RowCount(options);
            Console.WriteLine(SyntheticCohort.Disclaimer);
            Console.WriteLine($"writing {rows:N0} synthetic rows × {options.Dim} {options.DType.Name()} " +
                $"({rows * options.Dim * options.DType.ElementSize() / 1e9:F2} GB of features) to {dir}");
            RowProgressDisplay.Run("synth (synthetic)", p => SyntheticCohort.Generate(dir, options, p));
            Console.WriteLine($"done: {dir} holds SYNTHETIC data (seed {options.Seed}).");
            return 0;
        }));
        return command;
    }
}
