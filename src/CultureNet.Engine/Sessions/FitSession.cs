using System.Globalization;
using System.Text;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Sessions;

/// <summary>
/// <c>culturenet fit</c> as a library call: loads the arrays, builds GenNet, compiles it with Adadelta and MSE, fits it with
/// the reference's EarlyStopping, and writes the history and weights. <paramref name="log"/> receives each line a person
/// reads (the setup line, one line per epoch, the summary); <paramref name="warn"/> the warnings of the fit (e.g. a
/// monitored metric that is missing).
/// </summary>
public static class FitSession
{
    public static History Run(FitSessionOptions options, Action<string> log, Action<string> warn)
    {
        NativeEngine.NumThreads = options.Threads;
        var policy = options.DtypePolicy ?? MixedPrecision.GlobalPolicy();
        // Before the arrays load: a backend or precision this host cannot run is the one error, not a late one.
        Sequential.ResolveBackend(options.Backend, policy);
        var trainX = NpyMatrix.Load(options.X);
        var trainY = NpyMatrix.Load(options.Y, allowVector: true);
        if ((options.ValidationX is null) != (options.ValidationY is null))
            throw new CultureNetException("give both --val-x and --val-y, or neither");
        (Matrix, Matrix)? validation = options.ValidationX is null
            ? null
            : (NpyMatrix.Load(options.ValidationX), NpyMatrix.Load(options.ValidationY!, allowVector: true));

        using var model = options.InitWeights is { } init
            ? FromInitialFile(init, trainX.Cols, trainY.Cols, options.HiddenUnits, options.Backend, policy)
            : GenNet.Create(trainX.Cols, options.HiddenUnits, trainY.Cols, options.Seed, options.Backend, policy);
        model.Compile(optimizer: new Adadelta(lr: options.LearningRate), loss: "mse", metrics: ["mae"]);

        var callbacks = new List<Callback> { new LambdaCallback((epoch, logs) => log(EpochLine(epoch, options.Epochs, logs))) };
        if (validation is not null && options.EarlyStopping)
            callbacks.Add(new EarlyStopping(monitor: "val_loss", minDelta: options.MinDelta, patience: options.Patience));

        log($"training on {trainX.Rows} rows x {trainX.Cols} features, {NativeEngine.NumThreads} threads, BLAS: {model.BackendInfo}, precision {model.DtypePolicy.Name}");
        var history = model.Fit(trainX, trainY, epochs: options.Epochs, batchSize: options.BatchSize, validationData: validation,
                                callbacks: callbacks, shuffle: options.Shuffle, seed: options.Seed);
        foreach (var warning in history.Warnings) warn(warning);
        if (history.SamplesPerSecond.Count > 0)
            log($"{history.Epoch.Count} epochs, mean {history.SamplesPerSecond.Average():N0} samples/s");
        if (options.HistoryCsv is { } historyPath) HistoryCsv.Write(historyPath, history);
        if (options.SaveWeights is { } save)
        {
            model.Save(save);
            log($"weights written to {save}");
        }
        if (options.SaveModel is { } saveTo)
        {
            model.SaveModel(saveTo);
            log($"model written to {saveTo}");
        }
        return history;
    }

    /// <summary>The network of a Keras file (its config's, or shaped after its kernels), checked against the data.</summary>
    private static Sequential FromInitialFile(string path, int features, int outputs, IReadOnlyList<int>? hidden, string? backend, Policy policy)
    {
        var model = GenNet.FromWeightFile(path, backend, policy);
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

    private static string EpochLine(int epoch, int epochs, IReadOnlyDictionary<string, double> logs)
    {
        var line = new StringBuilder($"epoch {epoch + 1}/{epochs}");
        foreach (var (key, value) in logs) line.Append(CultureInfo.InvariantCulture, $"  {key} {value:F6}");
        return line.ToString();
    }
}
