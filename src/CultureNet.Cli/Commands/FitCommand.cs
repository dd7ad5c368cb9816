using System.CommandLine;
using System.Globalization;
using System.Text;
using CultureNet.Engine;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Weights;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet fit`: trains GenNet on .npy arrays as the reference's model.fit does.</summary>
public static class FitCommand
{
    public static Command Create()
    {
        var x = new Option<string>("--x") { Description = "features, float32 .npy, N x D", Required = true };
        var y = new Option<string>("--y") { Description = "labels, float32 .npy, N or N x 1", Required = true };
        var valX = new Option<string?>("--val-x") { Description = "validation features (.npy)" };
        var valY = new Option<string?>("--val-y") { Description = "validation labels (.npy)" };
        var epochs = new Option<int>("--epochs") { Description = "maximum epochs", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { Description = "rows per mini-batch", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Adadelta learning rate (Keras 2.2: 1.0; tf.keras >= 2.3: 0.001)", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int?>("--seed") { Description = "seed for initial weights and shuffling" };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "take batches in row order" };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths", DefaultValueFactory = _ => "500,200,100,50" };
        var patience = new Option<int>("--patience") { Description = "EarlyStopping patience on val_loss (used with validation data)", DefaultValueFactory = _ => 4 };
        var minDelta = new Option<double>("--min-delta") { Description = "EarlyStopping min_delta", DefaultValueFactory = _ => 0.01 };
        var noEarlyStopping = new Option<bool>("--no-early-stopping") { Description = "train all epochs even with validation data" };
        var initWeights = new Option<string?>("--init-weights") { Description = "start from this Keras model or weights file (.keras, .h5, .weights.h5, .npz); a file with a model config also gives the network's shape" };
        var saveWeights = new Option<string?>("--save-weights") { Description = "write the final weights (.h5 Keras 2 save_weights, .weights.h5 Keras 3, .keras, .npz)" };
        var saveModel = new Option<string?>("--save-model") { Description = "write the final model as Keras' model.save does (.keras, or .h5 for Keras 2)" };
        var history = new Option<string?>("--history") { Description = "write per-epoch figures as CSV" };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };

        var command = new Command("fit", "Train GenNet (Dense 500-200-100-50-1) on .npy features with Adadelta and MSE, as Keras' model.fit")
        {
            x, y, valX, valY, epochs, batch, lr, seed, noShuffle, hidden, patience, minDelta, noEarlyStopping, initWeights, saveWeights, saveModel, history, threads,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            var trainX = NpyMatrix.Load(r.GetValue(x)!);
            var trainY = NpyMatrix.Load(r.GetValue(y)!, allowVector: true);
            (Matrix, Matrix)? validation = null;
            string? vxPath = r.GetValue(valX), vyPath = r.GetValue(valY);
            if ((vxPath is null) != (vyPath is null)) throw new CultureNetException("give both --val-x and --val-y, or neither");
            if (vxPath is not null) validation = (NpyMatrix.Load(vxPath), NpyMatrix.Load(vyPath!, allowVector: true));

            using var model = r.GetValue(initWeights) is string init
                ? FromInitialFile(init, trainX.Cols, trainY.Cols, r.GetResult(hidden) is { Implicit: false } ? ParseWidths(r.GetValue(hidden)!) : null)
                : GenNet.Create(trainX.Cols, ParseWidths(r.GetValue(hidden)!), trainY.Cols, r.GetValue(seed));
            model.Compile(optimizer: new Adadelta(lr: r.GetValue(lr)), loss: "mse", metrics: ["mae"]);

            var callbacks = new List<Callback> { new LambdaCallback((epoch, logs) => PrintEpoch(epoch, r.GetValue(epochs), logs, model)) };
            if (validation is not null && !r.GetValue(noEarlyStopping))
                callbacks.Add(new EarlyStopping(monitor: "val_loss", minDelta: r.GetValue(minDelta), patience: r.GetValue(patience)));

            Console.WriteLine($"training on {trainX.Rows} rows x {trainX.Cols} features, {NativeEngine.NumThreads} threads, BLAS: {NativeEngine.BlasInfo}");
            var h = model.Fit(trainX, trainY, epochs: r.GetValue(epochs), batchSize: r.GetValue(batch), validationData: validation,
                              callbacks: callbacks, shuffle: !r.GetValue(noShuffle), seed: r.GetValue(seed));
            foreach (var warning in h.Warnings) Console.Error.WriteLine($"warning: {warning}");
            if (h.SamplesPerSecond.Count > 0)
                Console.WriteLine($"{h.Epoch.Count} epochs, mean {h.SamplesPerSecond.Average():N0} samples/s");
            if (r.GetValue(history) is string historyPath) WriteHistory(historyPath, h);
            if (r.GetValue(saveWeights) is string save)
            {
                model.Save(save);
                Console.WriteLine($"weights written to {save}");
            }
            if (r.GetValue(saveModel) is string saveTo)
            {
                model.SaveModel(saveTo);
                Console.WriteLine($"model written to {saveTo}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The network of a Keras file (its config's, or shaped after its kernels), checked against the data.</summary>
    private static Sequential FromInitialFile(string path, int features, int outputs, int[]? hidden)
    {
        var model = GenNet.FromWeightFile(path);
        var widths = model.Layers.Take(model.Layers.Count - 1).Select(l => l.Units).ToArray();
        string? problem =
            model.InputDim != features ? $"the model takes {model.InputDim} features but --x has {features}" :
            model.OutputDim != outputs ? $"the model has {model.OutputDim} outputs but --y has {outputs} columns" :
            hidden is not null && !hidden.SequenceEqual(widths) ? $"--hidden {string.Join(",", hidden)} differs from the file's hidden layers {string.Join(",", widths)}" :
            null;
        if (problem is null) return model;
        model.Dispose();
        throw new CultureNetException($"{path}: {problem}");
    }

    internal static int[] ParseWidths(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w > 0
                ? w
                : throw new CultureNetException($"--hidden: '{part}' is not a positive integer (expected e.g. 500,200,100,50)")).ToArray();
    }

    private static void PrintEpoch(int epoch, int epochs, IReadOnlyDictionary<string, double> logs, Sequential model)
    {
        var line = new StringBuilder($"epoch {epoch + 1}/{epochs}");
        foreach (var (key, value) in logs) line.Append(CultureInfo.InvariantCulture, $"  {key} {value:F6}");
        Console.WriteLine(line);
    }

    private static void WriteHistory(string path, History h)
    {
        var keys = new[] { "loss", "mae", "val_loss", "val_mae" }.Where(h.Contains).ToList();
        var csv = new StringBuilder("epoch," + string.Join(",", keys) + ",seconds,samples_per_s\n");
        for (int i = 0; i < h.Epoch.Count; i++)
        {
            csv.Append(h.Epoch[i] + 1);
            foreach (var key in keys) csv.Append(',').Append(h[key][i].ToString("R", CultureInfo.InvariantCulture));
            csv.Append(',').Append(h.EpochSeconds[i].ToString("F4", CultureInfo.InvariantCulture));
            csv.Append(',').Append(h.SamplesPerSecond[i].ToString("F1", CultureInfo.InvariantCulture)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
