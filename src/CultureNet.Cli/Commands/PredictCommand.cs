using CultureNet.Engine.Nn;
using System.CommandLine;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet predict`: runs a saved Keras model (or GenNet weights: hidden layers ReLU, last linear) on .npy features.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "Keras model or weights: .keras, .h5 (model.save or save_weights), .weights.h5, .npz; a file with a model config gives the network, a weights-only file GenNet's shape", Required = true };
        var x = new Option<string>("--x") { Description = "features, float32 .npy, N x D", Required = true };
        var output = new Option<string>("--out") { Description = "predictions, float32 .npy (N, or N x outputs)", Required = true };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var command = new Command("predict", "Predict engagement with a saved Keras model or GenNet weights") { weights, x, output, threads };
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
