using System.CommandLine;
using System.Globalization;
using CultureNet.Engine.Benchmarking;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Weights;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet demo`: the main job on built-in data — GenNet fitted as in the reference (Adadelta, MSE, batch 128,
/// EarlyStopping on val_loss) to a generated regression problem with 2048-D inputs. Synthetic: a test bed only.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for history.csv, weights.h5 and the summary", DefaultValueFactory = _ => "out/demo" };
        var rows = new Option<int>("--rows") { Description = "training rows", DefaultValueFactory = _ => 8192 };
        var seed = new Option<int>("--seed") { Description = "seed for data, weights and shuffling", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Fit GenNet on a small generated (synthetic) dataset and write the results") { output, rows, seed };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            int n = r.GetValue(rows), s = r.GetValue(seed);
            var dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            Console.WriteLine("SYNTHETIC DATA: a generated regression problem, not engagement data; figures show the engine works, nothing about the paper.");
            var (x, y) = PlantedProblem(n, s);
            var (vx, vy) = PlantedProblem(n / 4, s + 1);
            using var model = GenNet.Create(x.Cols, seed: s);
            model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
            var inv = CultureInfo.InvariantCulture;
            var progress = new LambdaCallback((epoch, logs) => Console.WriteLine(string.Create(inv,
                $"epoch {epoch + 1,2}/20  loss {logs["loss"]:F4}  mae {logs["mae"]:F4}  val_loss {logs["val_loss"]:F4}  val_mae {logs["val_mae"]:F4}")));
            var history = model.Fit(x, y, epochs: 20, batchSize: 128, validationData: (vx, vy),
                                    callbacks: [progress, new EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4)], seed: s);
            var baseline = ConstantBaselineMse(vy);
            model.Save(Path.Combine(dir, "weights.h5"));
            var csv = "epoch,loss,mae,val_loss,val_mae,samples_per_s\n" + string.Concat(history.Epoch.Select(e => string.Create(inv,
                $"{e + 1},{history["loss"][e]:R},{history["mae"][e]:R},{history["val_loss"][e]:R},{history["val_mae"][e]:R},{history.SamplesPerSecond[e]:F0}\n")));
            AtomicFile.WriteAllText(Path.Combine(dir, "history.csv"), csv);
            var summary = string.Create(inv, $"""
                # culturenet demo (SYNTHETIC DATA)

                GenNet 2048-500-200-100-50-1, Adadelta (lr 1.0), MSE, batch 128, EarlyStopping(val_loss, 0.01, 4).
                Generated data: {n} training and {n / 4} validation rows; labels = tanh of a planted projection + noise.

                | measure | value |
                |---|---|
                | epochs run | {history.Epoch.Count} |
                | final val_loss (MSE) | {history["val_loss"][^1]:F4} |
                | constant-prediction val MSE | {baseline:F4} |
                | mean training throughput | {history.SamplesPerSecond.Average():F0} samples/s ({NativeEngine.NumThreads} threads) |
                | BLAS | {NativeEngine.BlasInfo} |
                """);
            AtomicFile.WriteAllText(Path.Combine(dir, "summary.md"), summary);
            Console.WriteLine(string.Create(inv, $"val MSE {history["val_loss"][^1]:F4} vs {baseline:F4} for a constant prediction; {history.SamplesPerSecond.Average():F0} samples/s"));
            Console.WriteLine($"results: {Path.Combine(dir, "summary.md")}, history.csv, weights.h5");
            return 0;
        }));
        return command;
    }

    /// <summary>Inputs in [−1, 1]; the label depends on a fixed random projection of them, so there is something to learn.</summary>
    private static (Matrix X, Matrix Y) PlantedProblem(int rows, int seed)
    {
        var (x, _) = TrainingThroughput.RandomData(rows, 2048, seed);
        var projection = new Random(12345);
        var w = Enumerable.Range(0, 2048).Select(_ => (float)(projection.NextDouble() - 0.5) / 8).ToArray();
        var noise = new Random(seed + 7);
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            var row = x.Row(i);
            float dot = System.Numerics.Tensors.TensorPrimitives.Dot(row, w);
            y[i] = Math.Clamp((float)Math.Tanh(dot) + (float)(noise.NextDouble() - 0.5) * 0.1f, -1f, 1f);
        }
        return (x, Matrix.Column(y));
    }

    private static double ConstantBaselineMse(Matrix y)
    {
        var values = y.ToArray();
        double mean = values.Average(v => (double)v);
        return values.Average(v => (v - mean) * (v - mean));
    }
}
