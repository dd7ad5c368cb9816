using System.CommandLine;
using CultureNet.Engine.Native;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet predict`: engagement from features with a saved Keras model, GenNet weights or a CultureNet model folder.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string?>("--weights") { Description = "Keras model or weights: .keras, .h5 (model.save or save_weights), .weights.h5, .npz; a file with a model config gives the network, a weights-only file GenNet's shape" };
        var model = new Option<string?>("--model") { Description = "CultureNet model folder (the protocol's RESULTS/models): the child's last layer when it has one, else the culture's, else the joint model" };
        var culture = new Option<string?>("--culture") { Description = "with --model: use this culture's layer for every row (0|C0, 1|C1); default: each store row's own culture" };
        var child = new Option<int?>("--child") { Description = "with --model and --culture: use this child's layer when the model has one" };
        var x = new Option<string?>("--x") { Description = "features, float32 .npy, N x D" };
        var store = new Option<string?>("--store") { Description = "feature store (rows keep their culture, child and frame)" };
        var output = new Option<string>("--out") { Description = "engagement: .csv (culture, child, frame, time_s, engagement) or float32 .npy", Required = true };
        var plot = new Option<string?>("--plot") { Description = "PNG of the engagement trace with a rolling mean" };
        var window = new Option<int>("--window") { Description = "frames in the plot's rolling mean", DefaultValueFactory = _ => 15 };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var command = new Command("predict", "Estimate engagement from features with a saved Keras model, GenNet weights or a CultureNet model")
        {
            weights, model, culture, child, x, store, output, plot, window, threads,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            var outcome = PredictionSession.Run(new PredictRequest
            {
                Weights = r.GetValue(weights), Model = r.GetValue(model),
                Culture = r.GetValue(culture) is { } c ? FaceOptionSet.ParseCulture(c) : null, Child = r.GetValue(child),
                X = r.GetValue(x), Store = r.GetValue(store), Out = r.GetValue(output)!, Plot = r.GetValue(plot), Window = r.GetValue(window),
            });
            foreach (var line in outcome.LayersUsed) Console.WriteLine($"model: {line}");
            Console.WriteLine($"{outcome.Rows} predictions written to {r.GetValue(output)}{(outcome.Synthetic ? " (SYNTHETIC data)" : "")}");
            if (r.GetValue(plot) is { } p) Console.WriteLine($"plot: {p}");
            return 0;
        }));
        return command;
    }
}
