using CultureNet.Cli.Display;
using CultureNet.Engine.IO;
using System.CommandLine;
using CultureNet.Engine.Data;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet export</c>: writes a feature store back to NumPy files.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var store = new Argument<string>("store") { Description = "feature store directory" };
        var outDir = new Option<string>("--out") { Description = "output directory", Required = true };
        var layout = new Option<string>("--layout") { Description = "reference (data_<culture>.npy, columns [culture, child, frame, f…, label]) or npy (X.npy + meta.csv)", DefaultValueFactory = _ => "reference" };
        var npyDType = new Option<string>("--npy-dtype") { Description = "element type of the .npy files: float32, float64 (reference) or float16 (npy)", DefaultValueFactory = _ => "float32" };
        var command = new Command("export", "Export a feature store to .npy") { store, outDir, layout, npyDType };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            using var s = FeatureStore.Open(parse.GetValue(store)!);
            string dir = parse.GetValue(outDir)!;
            var element = NpyFormat.ParseElement(parse.GetValue(npyDType)!);
            if (s.IsSynthetic) Console.WriteLine(SyntheticCohort.Disclaimer);
            switch (parse.GetValue(layout))
            {
                case "reference":
                    IReadOnlyList<string> files = [];
                    RowProgressDisplay.Run("export", p => files = StoreExporter.ExportReference(s, dir, element, p));
                    foreach (var f in files) Console.WriteLine($"wrote {f}");
                    break;
                case "npy":
                    Directory.CreateDirectory(dir);
                    string x = Path.Combine(dir, "X.npy"), meta = Path.Combine(dir, "meta.csv");
                    RowProgressDisplay.Run("export", p => StoreExporter.ExportFeaturesWithMetadata(s, x, meta, element, p));
                    Console.WriteLine($"wrote {x} and {meta}");
                    break;
                case var other:
                    throw new Engine.CultureNetException($"unknown layout '{other}'; expected reference or npy");
            }
            return 0;
        }));
        return command;
    }
}
