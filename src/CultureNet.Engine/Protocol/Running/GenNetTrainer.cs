using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// The protocol's real trainer: GenNet on the rows of a feature store, as the reference trains it (Adadelta, MSE,
/// batch 128, ≤ 20 epochs, EarlyStopping(val_loss, 0.01, 4), last-epoch weights kept).
/// <list type="bullet">
/// <item>A fresh GenNet trains on row views of the memory-mapped features: the native engine gathers each batch from
/// the store itself, so no training subset is copied.</item>
/// <item>A last-layer fit (culturalisation, personalisation) keeps layers 1–4 frozen, so their output never changes:
/// it is computed once for the training and validation rows, and only the last Dense layer trains on it, with a fresh
/// optimizer and the same seeded batch order as the full model would use. The result is the parent's layers 1–4 plus
/// the new last layer.</item>
/// </list>
/// Every network, checkpoints read back included, is built on <see cref="GenNetTrainingOptions.Backend"/> under
/// <see cref="GenNetTrainingOptions.EffectivePolicy"/>.
/// </summary>
public sealed unsafe class GenNetTrainer : IFitTrainer
{
    private readonly FeatureStore _store;
    private readonly Matrix _features;
    private readonly Matrix _labels;

    /// <summary><paramref name="threads"/>: the engine threads the fits training at once share, set on the thread that
    /// trains a fit and predicts with it and looked up again every epoch (null: <see cref="NativeEngine.NumThreads"/>
    /// for each), for a runner training several fits at once.</summary>
    public GenNetTrainer(FeatureStore store, GenNetTrainingOptions? options = null, ThreadShare? threads = null)
    {
        Threads = threads;
        store.EnsureLabelled("training");
        _store = store;
        Options = options ?? new GenNetTrainingOptions();
        // The store checked every feature and label on write, so the engine need not scan them again.
        _features = store.DType == FeatureDType.Float32
            ? Matrix.FromPointer(store.FeaturePointer, store.RowCount, store.Dim, owner: store, knownFinite: true)
            : Widened(store);
        _labels = Matrix.Column(store.Labels.ToArray());
    }

    public GenNetTrainingOptions Options { get; }
    public ThreadShare? Threads { get; }
    public string ModelExtension => ".npz";

    public ITrainedModel Train(FitSpec fit, ITrainedModel? parent, CancellationToken cancellation)
    {
        if (fit.TrainRows.Length == 0) throw new CultureNetException($"fit {fit.Key}: no training rows");
        using var training = Threads?.Training();
        using var threads = NativeEngine.ThreadsOnThisThread(Threads?.PerFit ?? 0);
        return fit.Kind switch
        {
            FitKind.GenNet => TrainGenNet(fit, cancellation),
            FitKind.LastLayer => TrainLastLayer(fit, parent as GenNetModel
                ?? throw new InvalidOperationException($"fit {fit.Key}: a last-layer fit needs its parent GenNet"), cancellation),
            _ => throw new InvalidOperationException($"fit {fit.Key}: {fit.Kind} is not trained by GenNetTrainer"),
        };
    }

    public ITrainedModel Load(string path) =>
        new GenNetModel(GenNet.FromWeightFile(path, Options.Backend, Options.EffectivePolicy), _features, FitSummary.None, Threads);

    private ITrainedModel TrainGenNet(FitSpec fit, CancellationToken cancellation)
    {
        var model = GenNet.Create(_store.Dim, Options.HiddenUnits, seed: fit.Seed, backend: Options.Backend, dtypePolicy: Options.EffectivePolicy);
        try
        {
            var summary = Fit(model, _features, _labels, fit, cancellation);
            return new GenNetModel(model, _features, summary, Threads);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private ITrainedModel TrainLastLayer(FitSpec fit, GenNetModel parent, CancellationToken cancellation)
    {
        int below = parent.Model.Layers.Count - 2;
        int width = parent.Model.Layers[below].Units;
        // Frozen layers 1–4 applied once to the rows this fit reads; the last layer trains on that.
        var rows = fit.TrainRows.Concat(fit.ValidationRows).Distinct().Order().ToArray();
        float[][] weights;
        Matrix cached;
        // Dependents of one parent may train at once; its forward pass uses the network's own buffers.
        lock (parent)
        {
            weights = parent.Model.GetWeights();
            cached = new Matrix(parent.Model.Activations(below, _features.Take(ToLong(rows))), rows.Length, width);
        }
        var position = new Dictionary<int, long>(rows.Length);
        for (int i = 0; i < rows.Length; i++) position[rows[i]] = i;
        var cachedLabels = Matrix.Column(rows.Select(r => _store.Labels[r]).ToArray());
        var local = fit with
        {
            TrainRows = fit.TrainRows.Select(r => (int)position[r]).ToArray(),
            ValidationRows = fit.ValidationRows.Select(r => (int)position[r]).ToArray(),
        };

        using var head = new Sequential(seed: fit.Seed, backend: Options.Backend, dtypePolicy: Options.EffectivePolicy);
        head.Add(new Dense(parent.Model.OutputDim, activation: "linear", inputDim: width));
        head.SetWeights([weights[^2], weights[^1]]);
        var summary = Fit(head, cached, cachedLabels, local, cancellation);

        var model = GenNet.Create(_store.Dim, Options.HiddenUnits, parent.Model.OutputDim, seed: fit.Seed, backend: Options.Backend,
            dtypePolicy: Options.EffectivePolicy);
        var headWeights = head.GetWeights();
        weights[^2] = headWeights[0];
        weights[^1] = headWeights[1];
        model.SetWeights(weights);
        return new GenNetModel(model, _features, summary, Threads);
    }

    private FitSummary Fit(Sequential model, Matrix x, Matrix y, FitSpec fit, CancellationToken cancellation)
    {
        model.Compile(optimizer: new Adadelta(lr: Options.LearningRate), loss: "mse", metrics: ["mae"]);
        var train = ToLong(fit.TrainRows);
        var callbacks = new List<Callback> { new CancellationCallback(cancellation) };
        if (Threads is not null) callbacks.Add(new ThreadShareCallback(Threads));
        (Matrix, Matrix)? validation = null;
        if (fit.ValidationRows.Length > 0)
        {
            var val = ToLong(fit.ValidationRows);
            validation = (x.Take(val), y.Take(val));
            callbacks.Add(new EarlyStopping(monitor: "val_loss", minDelta: Options.MinDelta, patience: Options.Patience));
        }
        var history = model.Fit(x.Take(train), y.Take(train), epochs: Options.Epochs, batchSize: Options.BatchSize,
                                validationData: validation, callbacks: callbacks, shuffle: true, seed: fit.Seed);
        return new FitSummary(history.Epoch.Count, history["loss"][^1],
                              history.Contains("val_loss") ? history["val_loss"][^1] : double.NaN);
    }

    private static long[] ToLong(int[] rows) => Array.ConvertAll(rows, r => (long)r);

    private static Matrix Widened(FeatureStore store)
    {
        var values = new float[checked(store.RowCount * store.Dim)];
        const int chunk = 4096;
        var rows = new long[chunk];
        for (long start = 0; start < store.RowCount; start += chunk)
        {
            int n = (int)Math.Min(chunk, store.RowCount - start);
            for (int i = 0; i < n; i++) rows[i] = start + i;
            store.GatherRows(rows.AsSpan(0, n), values.AsSpan((int)(start * store.Dim), n * store.Dim));
        }
        var matrix = new Matrix(values, store.RowCount, store.Dim);
        matrix.EnsureFinite(store.FilePath);
        return matrix;
    }

    /// <summary>Stops a fit between epochs when the protocol is cancelled (Ctrl+C); the fit then produces no result.</summary>
    private sealed class CancellationCallback(CancellationToken token) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => token.ThrowIfCancellationRequested();
    }

    /// <summary>Takes the fit's share of the threads again before every epoch (more once other fits have ended).</summary>
    private sealed class ThreadShareCallback(ThreadShare share) : Callback
    {
        public override void OnEpochBegin(int epoch) => NativeEngine.SetThreadsOnThisThread(share.PerFit);
    }

    /// <summary>A trained GenNet; predicts store rows.</summary>
    internal sealed class GenNetModel(Sequential model, Matrix features, FitSummary summary, ThreadShare? threads) : ITrainedModel
    {
        public Sequential Model { get; } = model;
        public FitSummary Summary { get; } = summary;

        public float[] Predict(int[] rows)
        {
            using var scope = NativeEngine.ThreadsOnThisThread(threads?.PerFit ?? 0);
            return Model.Predict(features.Take(ToLong(rows)));
        }

        public void Save(string path) => Model.Save(path);
        public void Dispose() => Model.Dispose();
    }
}
