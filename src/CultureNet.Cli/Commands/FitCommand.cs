using System.CommandLine;
using System.Globalization;
using CultureNet.Engine;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet fit`: trains GenNet on .npy arrays as the reference's model.fit does (<see cref="FitSession"/>).</summary>
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
        var engine = new EngineOptions();

        var command = new Command("fit", "Train GenNet (Dense 500-200-100-50-1) on .npy features with Adadelta and MSE, as Keras' model.fit")
        {
            x, y, valX, valY, epochs, batch, lr, seed, noShuffle, hidden, patience, minDelta, noEarlyStopping, initWeights, saveWeights, saveModel, history, threads, engine.Backend, engine.Precision,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            FitSession.Run(new FitSessionOptions
            {
                X = r.GetValue(x)!, Y = r.GetValue(y)!, ValidationX = r.GetValue(valX), ValidationY = r.GetValue(valY),
                Epochs = r.GetValue(epochs), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed),
                Shuffle = !r.GetValue(noShuffle), HiddenUnits = r.GetResult(hidden) is { Implicit: false } ? ParseWidths(r.GetValue(hidden)!) : null, Patience = r.GetValue(patience),
                MinDelta = r.GetValue(minDelta), EarlyStopping = !r.GetValue(noEarlyStopping), InitWeights = r.GetValue(initWeights),
                SaveWeights = r.GetValue(saveWeights), SaveModel = r.GetValue(saveModel), HistoryCsv = r.GetValue(history), Threads = r.GetValue(threads),
                Backend = engine.BackendOf(r), DtypePolicy = engine.PolicyOf(r),
            }, log: Console.WriteLine, warn: w => Console.Error.WriteLine($"warning: {w}"));
            return 0;
        }));
        return command;
    }

    internal static int[] ParseWidths(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w > 0
                ? w
                : throw new CultureNetException($"--hidden: '{part}' is not a positive integer (expected e.g. 500,200,100,50)")).ToArray();
    }
}
