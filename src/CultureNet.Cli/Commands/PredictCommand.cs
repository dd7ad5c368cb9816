using CultureNet.Engine.Nn;
using System.CommandLine;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet predict`: runs a saved GenNet (hidden layers ReLU, last linear) on .npy features.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "weights (.h5 Keras save_weights, or .npz)", Required = true };
        var x = new Option<string>("--x") { Description = "features, float32 .npy, N x D", Required = true };
        var output = new Option<string>("--out") { Description = "predictions, float32 .npy (N, or N x outputs)", Required = true };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var command = new Command("predict", "Predict engagement with saved GenNet weights") { weights, x, output, threads };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            using var model = GenNet.FromWeightFile(r.GetValue(weights)!);
            var features = NpyMatrix.Load(r.GetValue(x)!);
            var predictions = model.Predict(features);
            NpyMatrix.Save(r.GetValue(output)!, predictions, features.Rows, model.OutputDim);
            Console.WriteLine($"{features.Rows} predictions written to {r.GetValue(output)}");
            return 0;
        }));
        return command;
    }
}
