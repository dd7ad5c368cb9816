using CultureNet.Cli.Display;
using System.CommandLine;
using CultureNet.Engine.Data;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet import reference|npy|csv</c>: builds a feature store from NumPy or CSV files (docs/data-formats.md).</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var command = new Command("import", "Import features into a feature store (formats: docs/data-formats.md)");
        command.Subcommands.Add(Reference());
        command.Subcommands.Add(FeaturesWithMetadata());
        command.Subcommands.Add(Csv());
        return command;
    }

    private static Option<string> OutOption() => new("--out") { Description = "directory of the feature store to write", Required = true };
    private static Option<string> DTypeOption() => new("--dtype") { Description = "stored feature type: float32 or float16", DefaultValueFactory = _ => "float32" };

    private static Command Reference()
    {
        var inputs = new Argument<string[]>("matrices") { Description = "per-culture .npy/.npz matrices with columns [culture, child, frame, f1…fD, label]", Arity = ArgumentArity.OneOrMore };
        var outDir = OutOption();
        var dtype = DTypeOption();
        var command = new Command("reference", "Import the reference code's per-culture matrices (data_0.npy, data_1.npy)") { inputs, outDir, dtype };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            string dir = parse.GetValue(outDir)!;
            RowProgressDisplay.Run("import", p => StoreImporter.ImportReference(parse.GetValue(inputs)!, dir,
                FeatureDTypeExtensions.Parse(parse.GetValue(dtype)!), p));
            Console.WriteLine($"wrote {dir}");
            return 0;
        }));
        return command;
    }

    private static Command FeaturesWithMetadata()
    {
        var features = new Option<string>("--features") { Description = "N × D features (.npy, or .npz)", Required = true };
        var meta = new Option<string>("--meta") { Description = "CSV with header culture,child,frame,label; data row i describes row i of the features", Required = true };
        var key = new Option<string?>("--key") { Description = "array name inside an .npz (default: its only array)" };
        var outDir = OutOption();
        var dtype = DTypeOption();
        var command = new Command("npy", "Import features X.npy with a metadata CSV") { features, meta, key, outDir, dtype };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            string dir = parse.GetValue(outDir)!;
            RowProgressDisplay.Run("import", p => StoreImporter.ImportFeaturesWithMetadata(parse.GetValue(features)!, parse.GetValue(meta)!, dir,
                FeatureDTypeExtensions.Parse(parse.GetValue(dtype)!), p, parse.GetValue(key)));
            Console.WriteLine($"wrote {dir}");
            return 0;
        }));
        return command;
    }

    private static Command Csv()
    {
        var input = new Argument<string>("csv") { Description = "CSV with header naming culture, child, frame, label; all other columns are features" };
        var outDir = OutOption();
        var dtype = DTypeOption();
        var command = new Command("csv", "Import a plain CSV file") { input, outDir, dtype };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            string dir = parse.GetValue(outDir)!;
            RowProgressDisplay.Run("import", p => StoreImporter.ImportCsv(parse.GetValue(input)!, dir, FeatureDTypeExtensions.Parse(parse.GetValue(dtype)!), p));
            Console.WriteLine($"wrote {dir}");
            return 0;
        }));
        return command;
    }
}
