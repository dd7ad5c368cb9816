using System.Diagnostics;
using System.Runtime.InteropServices;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Initializers;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Nn;

/// <summary>
/// Keras' Sequential model over Dense layers, trained by the native engine. A port reads line for line:
/// <code>
/// var model = new Sequential(seed: 1);
/// model.Add(new Dense(500, activation: "relu", inputDim: 2048));
/// ...
/// model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
/// var history = model.Fit(x, y, epochs: 20, batchSize: 128, validationData: (vx, vy),
///                         callbacks: [new EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4)]);
/// </code>
/// Defaults follow the CultureNet reference (batch 128, ≤ 20 epochs), not Keras' own (32, 1).
/// The model computes on a native backend (<see cref="Backend"/>: "onednn", "openblas", or the default) under a Keras
/// dtype policy (<see cref="DtypePolicy"/>: "float32", or "mixed_bfloat16" as after
/// <c>keras.mixed_precision.set_global_policy('mixed_bfloat16')</c>); both are fixed when the model is built.
/// </summary>
public unsafe class Sequential : IDisposable
{
    private readonly List<Dense> _layers = new();
    private readonly Random _random;
    private MlpHandle? _net;
    private AdadeltaHandle? _optimizer;
    private Adadelta? _optimizerConfig;
    private History? _currentHistory;
    private bool[]? _compiledTrainable; // the flags the last Compile fixed: Keras' _collected_trainable_weights

    private string? _backend;
    private Policy _dtypePolicy;

    /// <summary>With a seed, initial weights and shuffling are reproducible bit for bit on the same machine (on a given
    /// backend and thread count). <paramref name="backend"/>: "onednn" or "openblas" (null: the engine's default).
    /// <paramref name="dtypePolicy"/>: Keras' dtype policy (null: <see cref="MixedPrecision.GlobalPolicy"/> now, as a
    /// Keras layer takes the global policy when it is created).</summary>
    public Sequential(int? seed = null, string? backend = null, Policy? dtypePolicy = null)
    {
        Seed = seed;
        _random = seed is int s ? new Random(s) : new Random();
        if (backend is not null) NativeBackends.Id(backend); // an unknown name fails here, not at Build
        _backend = backend;
        _dtypePolicy = dtypePolicy ?? MixedPrecision.GlobalPolicy();
    }

    public int? Seed { get; }

    /// <summary>The backend a model asking for <paramref name="backend"/> (null: the default) under
    /// <paramref name="dtypePolicy"/> (null: the global policy) would be built on, e.g. "onednn"; a
    /// <see cref="CultureNetException"/> naming what is missing (the package, the CPU's instruction set) when none can.
    /// For checking a choice before any work starts.</summary>
    public static string ResolveBackend(string? backend, Policy? dtypePolicy = null) =>
        NativeBackends.Resolve(backend, (dtypePolicy ?? MixedPrecision.GlobalPolicy()).Precision);

    /// <summary>The backend asked for ("onednn", "openblas", null for the default) until the model is built; then the
    /// one it runs on.</summary>
    public string? Backend
    {
        get => _net is null ? _backend : NativeBackends.NameOf(NativeMethods.MlpBackend(_net));
        set
        {
            if (IsBuilt) throw new CultureNetException($"the backend is fixed when the model is built (it runs on {Backend}); set it before");
            if (value is not null) NativeBackends.Id(value);
            _backend = value;
        }
    }

    /// <summary>What runs the model's GEMMs, e.g. "onednn 2.6.3 (brg:avx512_core_amx_bf16)" (built), or what the
    /// backend asked for would run on (not built yet).</summary>
    public string BackendInfo => _net is null ? NativeBackends.Describe(_backend)
                                              : Marshal.PtrToStringUTF8(NativeMethods.MlpBackendInfo(_net)) ?? "";

    /// <summary>Keras' dtype_policy. Fixed when the model is built, as a Keras layer's is when it is built.</summary>
    public Policy DtypePolicy
    {
        get => _dtypePolicy;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (IsBuilt && !value.Equals(_dtypePolicy))
                throw new CultureNetException($"the dtype policy is fixed when the model is built (it is '{_dtypePolicy.Name}'); set it before");
            _dtypePolicy = value;
        }
    }
    public IReadOnlyList<Dense> Layers => _layers;
    public bool IsBuilt => _net is not null;
    public bool IsCompiled => _optimizer is not null;
    /// <summary>Set by a callback (e.g. EarlyStopping) to end Fit after the current epoch.</summary>
    public bool StopTraining { get; set; }
    public int InputDim => _layers.Count > 0 ? _layers[0].InputDim ?? 0 : 0;
    public int OutputDim => _layers.Count > 0 ? _layers[^1].Units : 0;

    public void Add(Dense layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt) throw new CultureNetException("cannot add a layer to a model that is already built");
        if (layer.Model is not null) throw new CultureNetException($"layer {layer.Name} already belongs to a model");
        if (_layers.Count == 0)
        {
            if (layer.InputDim is null) throw new CultureNetException("the first layer needs inputDim (Keras' input_dim)");
        }
        else
        {
            int previous = _layers[^1].Units;
            if (layer.InputDim is int given && given != previous)
                throw new CultureNetException($"layer {_layers.Count + 1}: inputDim {given} does not match the previous layer's {previous} units");
            layer.InputDim = previous;
        }
        layer.Model = this;
        layer.Index = _layers.Count;
        layer.Name ??= $"dense_{_layers.Count + 1}";
        _layers.Add(layer);
    }

    /// <summary>Creates the native network and draws the initial weights (glorot_uniform kernels, zero biases).</summary>
    public void Build()
    {
        if (IsBuilt) return;
        if (_layers.Count == 0) throw new CultureNetException("the model has no layers");
        NativeEngine.EnsureLoaded();
        var widths = new int[_layers.Count + 1];
        var activations = new int[_layers.Count];
        widths[0] = _layers[0].InputDim!.Value;
        for (int i = 0; i < _layers.Count; i++)
        {
            widths[i + 1] = _layers[i].Units;
            activations[i] = (int)_layers[i].Activation;
        }
        var options = new MlpOptions { Backend = NativeBackends.Id(_backend), Precision = (int)_dtypePolicy.Precision };
        fixed (int* w = widths)
        fixed (int* a = activations)
        {
            NativeEngine.Check(NativeMethods.MlpCreateWith(_layers.Count, w, a, &options, out var net));
            _net = net;
        }
        var glorot = new GlorotUniform();
        foreach (var layer in _layers)
        {
            var kernel = new float[layer.KernelSize];
            (layer.KernelInitializer ?? glorot).Fill(kernel, layer.InputDim!.Value, layer.Units, _random);
            SetLayerWeights(layer.Index, kernel, new float[layer.Units]);
        }
    }

    /// <summary>Fixes the trainable flags and starts a fresh optimizer state, as Keras' compile does.</summary>
    public void Compile(Adadelta optimizer, string loss = "mse", IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (loss is not ("mse" or "mean_squared_error"))
            throw new CultureNetException($"loss '{loss}' is not supported; the engine trains with 'mse'");
        foreach (var metric in metrics ?? [])
            if (metric is not ("mae" or "mean_absolute_error"))
                throw new CultureNetException($"metric '{metric}' is not supported; the engine reports 'mae'");
        Build();
        foreach (var layer in _layers)
            if (layer.Trainable && !layer.UseBias)
                throw new CultureNetException($"layer {layer.Name} has use_bias=False, which the engine cannot train (it always trains a bias); freeze it (Trainable = false) to keep its bias at zero");
        foreach (var layer in _layers)
            NativeEngine.Check(NativeMethods.MlpSetTrainable(_net!, layer.Index, layer.Trainable ? 1 : 0));
        _compiledTrainable = _layers.Select(l => l.Trainable).ToArray();
        _optimizer?.Dispose();
        NativeEngine.Check(NativeMethods.AdadeltaCreate(_net!, (float)optimizer.Lr, (float)optimizer.Rho, (float)optimizer.Epsilon, out var opt));
        _optimizer = opt;
        _optimizerConfig = optimizer;
    }

    /// <summary>Keras' <c>compile(optimizer='adadelta', ...)</c>: the optimizer by its Keras name, with Keras 2.2's
    /// defaults (<see cref="Adadelta"/>).</summary>
    public void Compile(string optimizer, string loss = "mse", IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!optimizer.Equals("adadelta", StringComparison.OrdinalIgnoreCase))
            throw new CultureNetException($"optimizer '{optimizer}' is not supported; the engine trains with 'adadelta' (Keras' Adadelta)");
        Compile(new Adadelta(), loss, metrics);
    }

    public Adadelta? Optimizer => _optimizerConfig;

    /// <summary>Keras' <c>model.count_params()</c>: every weight of every layer, trainable or not.</summary>
    public long CountParams() => _layers.Sum(l => l.CountParams());

    /// <summary>
    /// Keras 2.2's <c>model.summary(line_length, positions, print_fn)</c>: the layer table, line by line, to
    /// <paramref name="printFn"/> (default: the console). A functional <see cref="Model"/> lists its InputLayer first,
    /// a Sequential does not, as in Keras. The counts are Keras': trainable parameters as the last Compile fixed them
    /// (the current flags before any Compile), non-trainable ones by the current flags. So a layer frozen after Compile
    /// is counted in both, and, as Keras does, a warning then goes to standard error.
    /// </summary>
    public void Summary(int? lineLength = null, IReadOnlyList<double>? positions = null, Action<string>? printFn = null)
    {
        if (_layers.Count == 0) throw new CultureNetException("summary: the model has no layers yet (add one first)");
        var print = printFn ?? Console.WriteLine;
        var collected = _layers.Where(l => _compiledTrainable?[l.Index] ?? l.Trainable).ToList();
        long trainable = collected.Sum(l => l.CountParams());
        long nonTrainable = _layers.Where(l => !l.Trainable).Sum(l => l.CountParams());
        var lines = ModelSummary.Lines(SummaryRows().ToList(), trainable, nonTrainable, lineLength, positions).ToList();
        if (collected.Sum(WeightCount) != _layers.Where(l => l.Trainable).Sum(WeightCount))
            Console.Error.WriteLine("UserWarning: Discrepancy between trainable weights and collected trainable weights, did you set `model.trainable` without calling `model.compile` after ?");
        foreach (var line in lines) print(line);

        static int WeightCount(Dense l) => l.UseBias ? 2 : 1;
    }

    /// <summary>The summary's rows: the Dense layers (a functional model adds its InputLayer).</summary>
    private protected virtual IEnumerable<ModelSummary.Row> SummaryRows() =>
        _layers.Select(l => new ModelSummary.Row(l.Name!, "Dense", l.Units, l.CountParams()));

    /// <summary>
    /// Keras' fit: every epoch the row order is reshuffled (unless <paramref name="shuffle"/> is false, then rows go
    /// in order), rows are taken in batches of <paramref name="batchSize"/> with the last partial batch kept, the
    /// logged loss/mae are batch-size-weighted means over the epoch, validation runs at the end of each epoch.
    /// <paramref name="seed"/> fixes the shuffling; without it the model's generator is used. <paramref name="verbose"/>
    /// as Keras': 1 prints each epoch's line as its progress bar ends, 2 one line per epoch (<see cref="ProgbarLogger"/>);
    /// the default here is 0, silent (Keras' is 1; the study's code passes verbose=1).
    /// </summary>
    public History Fit(Matrix x, Matrix y, int epochs = 20, int batchSize = 128,
                       (Matrix X, Matrix Y)? validationData = null, IEnumerable<Callback>? callbacks = null,
                       bool shuffle = true, int? seed = null, int verbose = 0)
    {
        if (verbose is < 0 or > 2) throw new CultureNetException($"verbose is {verbose} (expected 0 = silent, 1 = progress bar, 2 = one line per epoch)");
        if (!IsCompiled) throw new CultureNetException("compile the model before fitting it");
        if (epochs < 0) throw new CultureNetException($"epochs must be >= 0, got {epochs}");
        if (batchSize <= 0) throw new CultureNetException($"batchSize must be positive, got {batchSize}");
        CheckPair(x, y, "x", "y");
        x.EnsureFinite("x");
        y.EnsureFinite("y");
        if (validationData is var (vx, vy))
        {
            CheckPair(vx, vy, "validation x", "validation y");
            vx.EnsureFinite("validation x");
            vy.EnsureFinite("validation y");
        }

        var (xBase, yBase, positions) = AlignForTraining(x, y);
        var validation = validationData is var (vx2, vy2) ? (Contiguous(vx2), Contiguous(vy2)) : ((Matrix, Matrix)?)null;
        var rng = seed is int s ? new Random(s) : _random;
        var callbackList = (callbacks ?? []).ToList();
        // Keras' fit puts its ProgbarLogger ahead of the user's callbacks: an epoch's line prints before they see it.
        if (verbose > 0) callbackList.Insert(0, new ProgbarLogger(verbose, epochs, x.Rows, validationData is var (vxRows, _) ? vxRows.Rows : null));
        var history = new History();
        _currentHistory = history;
        StopTraining = false;
        foreach (var cb in callbackList) cb.Model = this;
        foreach (var cb in callbackList) cb.OnTrainBegin();

        long n = x.Rows;
        // Keras shuffles one index array in place every epoch; a view maps those positions to its base rows.
        var indexArray = new long[n];
        for (long i = 0; i < n; i++) indexArray[i] = i;
        var order = new long[n];
        bool identity = positions is null;

        using (var xPin = xBase.PinDense())
        using (var yPin = yBase.PinDense())
        using (var data = CreateDataset(xPin.Pointer, yPin.Pointer, xBase.Rows, xBase.Cols, yBase.Cols))
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                foreach (var cb in callbackList) cb.OnEpochBegin(epoch);
                if (shuffle) Shuffle(indexArray, rng);
                bool useOrder = shuffle || !identity;
                if (useOrder)
                    for (long i = 0; i < n; i++) order[i] = positions is null ? indexArray[i] : positions[indexArray[i]];
                var clock = Stopwatch.StartNew();
                double loss, mae;
                fixed (long* o = order)
                {
                    NativeEngine.Check(NativeMethods.TrainEpoch(_net!, _optimizer!, data, useOrder ? o : null, n, batchSize,
                        out loss, out mae));
                }
                double seconds = clock.Elapsed.TotalSeconds;
                var logs = new Dictionary<string, double> { ["loss"] = loss, ["mae"] = mae };
                if (validation is var (valX, valY))
                {
                    // The engine sums every row's error in double in row order whatever the chunk, so validating in its
                    // largest chunk (batch 0) gives Keras' per-batch-weighted value with 8x fewer, larger GEMMs.
                    var (valLoss, valMae) = EvaluateDense(valX, valY, 0);
                    logs["val_loss"] = valLoss;
                    logs["val_mae"] = valMae;
                }
                history.Append(epoch, logs, seconds, n / Math.Max(seconds, 1e-9));
                foreach (var cb in callbackList) cb.OnEpochEnd(epoch, logs);
                if (StopTraining) break;
            }
        }
        foreach (var cb in callbackList) cb.OnTrainEnd();
        _currentHistory = null;
        return history;
    }

    /// <summary>Keras' evaluate: (loss, mae) over all rows.</summary>
    public Evaluation Evaluate(Matrix x, Matrix y, int batchSize = 128)
    {
        Build();
        CheckPair(x, y, "x", "y");
        var (loss, mae) = EvaluateDense(Contiguous(x), Contiguous(y), batchSize);
        return new Evaluation(loss, mae);
    }

    /// <summary>Predictions, row-major rows × output units.</summary>
    public float[] Predict(Matrix x, int batchSize = 4096) => Run(_layers.Count - 1, x, batchSize);

    /// <summary>Output of layer <paramref name="layer"/> (0-based) for every row, rows × its units; lets callers cache
    /// the activations under frozen layers.</summary>
    public float[] Activations(int layer, Matrix x, int batchSize = 4096)
    {
        if ((uint)layer >= (uint)_layers.Count) throw new CultureNetException($"layer {layer} outside 0..{_layers.Count - 1}");
        return Run(layer, x, batchSize);
    }

    /// <summary>Forward pass up to <paramref name="layer"/>; a view is gathered a chunk at a time so a large index list
    /// never needs one big copy.</summary>
    private float[] Run(int layer, Matrix x, int batchSize)
    {
        Build();
        if (x.Cols != InputDim) throw new CultureNetException($"x has {x.Cols} columns, the model expects {InputDim}");
        int units = _layers[layer].Units;
        bool whole = layer == _layers.Count - 1;
        var result = new float[checked(x.Rows * units)];
        if (x.Rows == 0) return result;
        if (!x.IsView)
        {
            using var pin = x.PinDense();
            fixed (float* r = result)
                NativeEngine.Check(whole ? NativeMethods.MlpPredict(_net!, pin.Pointer, x.Rows, r)
                                         : NativeMethods.MlpActivations(_net!, layer, pin.Pointer, x.Rows, r));
            return result;
        }
        var chunk = new float[Math.Min(x.Rows, batchSize) * x.Cols];
        for (long start = 0; start < x.Rows; start += batchSize)
        {
            int rows = (int)Math.Min(batchSize, x.Rows - start);
            for (int r = 0; r < rows; r++) x.Row(start + r).CopyTo(chunk.AsSpan(r * x.Cols, x.Cols));
            fixed (float* c = chunk)
            fixed (float* r = &result[start * units])
                NativeEngine.Check(whole ? NativeMethods.MlpPredict(_net!, c, rows, r)
                                         : NativeMethods.MlpActivations(_net!, layer, c, rows, r));
        }
        return result;
    }

    /// <summary>All weights in Keras order: [kernel_1, bias_1, kernel_2, bias_2, …].</summary>
    public float[][] GetWeights() => _layers.SelectMany(l => GetLayerWeights(l.Index)).ToArray();

    public void SetWeights(IReadOnlyList<float[]> weights)
    {
        if (weights.Count != 2 * _layers.Count)
            throw new CultureNetException($"SetWeights: expected {2 * _layers.Count} arrays (kernel and bias per layer), got {weights.Count}");
        for (int i = 0; i < _layers.Count; i++) SetLayerWeights(i, weights[2 * i], weights[2 * i + 1]);
    }

    internal float[][] GetLayerWeights(int index)
    {
        Build();
        var layer = _layers[index];
        var kernel = new float[layer.KernelSize];
        var bias = new float[layer.Units];
        fixed (float* k = kernel)
        fixed (float* b = bias)
            NativeEngine.Check(NativeMethods.MlpGetWeights(_net!, index, k, b));
        return [kernel, bias];
    }

    internal void SetLayerWeights(int index, float[] kernel, float[] bias)
    {
        Build();
        var layer = _layers[index];
        if (kernel.Length != layer.KernelSize || bias.Length != layer.Units)
            throw new CultureNetException(
                $"{layer.Name}: expected kernel {layer.InputDim}x{layer.Units} ({layer.KernelSize} values) and bias {layer.Units}, got {kernel.Length} and {bias.Length} values");
        fixed (float* k = kernel)
        fixed (float* b = bias)
            NativeEngine.Check(NativeMethods.MlpSetWeights(_net!, index, k, b));
    }

    /// <summary>Adadelta's accumulators of one layer's kernel (which = 0) or bias (which = 1): (E[g²], E[Δx²]).</summary>
    public (float[] AccumGrad, float[] AccumUpdate) GetOptimizerState(int layer, int which)
    {
        if (!IsCompiled) throw new CultureNetException("the model is not compiled");
        int count = which == 0 ? _layers[layer].KernelSize : _layers[layer].Units;
        var g = new float[count];
        var u = new float[count];
        fixed (float* gp = g)
        fixed (float* up = u)
            NativeEngine.Check(NativeMethods.AdadeltaGetState(_optimizer!, layer, which, gp, up));
        return (g, u);
    }

    internal void Warn(string message) => _currentHistory?.Warnings.Add(message);

    public void Dispose()
    {
        _optimizer?.Dispose();
        _net?.Dispose();
    }

    private void CheckPair(Matrix x, Matrix y, string xName, string yName)
    {
        if (_layers.Count == 0) throw new CultureNetException("the model has no layers");
        if (x.Rows == 0) throw new CultureNetException($"{xName} has no rows");
        if (x.Cols != InputDim) throw new CultureNetException($"{xName} has {x.Cols} columns, the model expects {InputDim}");
        if (y.Cols != OutputDim) throw new CultureNetException($"{yName} has {y.Cols} columns, the model has {OutputDim} outputs");
        if (x.Rows != y.Rows) throw new CultureNetException($"{xName} has {x.Rows} rows but {yName} has {y.Rows}");
    }

    /// <summary>
    /// Dense (x, y) buffers for the native epoch call, plus for a view of x the base row of each position. y is
    /// placed on x's base rows so one order array serves both.
    /// </summary>
    private static (Matrix XBase, Matrix YBase, long[]? Positions) AlignForTraining(Matrix x, Matrix y)
    {
        if (!x.IsView) return (x, Contiguous(y), null);
        var positions = x.RowIndices!;
        if (y.IsView && ReferenceEquals(y.RowIndices, positions)) return (x.Base, y.Base, positions);
        if (y.IsView && y.Base.Rows == x.Base.Rows && y.RowIndices!.AsSpan().SequenceEqual(positions)) return (x.Base, y.Base, positions);
        var aligned = new float[checked(x.Base.Rows * y.Cols)];
        for (long i = 0; i < positions.LongLength; i++) y.Row(i).CopyTo(aligned.AsSpan((int)(positions[i] * y.Cols), y.Cols));
        return (x.Base, new Matrix(aligned, x.Base.Rows, y.Cols), positions);
    }

    /// <summary>A view gathered into its own array (a dense matrix is returned as it is).</summary>
    private static Matrix Contiguous(Matrix m) => m.IsView ? new Matrix(m.ToArray(), m.Rows, m.Cols) : m;

    /// <summary>A native dataset over pinned rows; the caller keeps them pinned until it is disposed.</summary>
    private static DatasetHandle CreateDataset(float* x, float* y, long rows, int xCols, int yCols)
    {
        NativeEngine.Check(NativeMethods.DatasetCreate(x, y, rows, xCols, yCols, out var data));
        return data;
    }

    private (double Loss, double Mae) EvaluateDense(Matrix x, Matrix y, int batchSize)
    {
        using var xp = x.PinDense();
        using var yp = y.PinDense();
        NativeEngine.Check(NativeMethods.MlpEvaluate(_net!, xp.Pointer, yp.Pointer, x.Rows, batchSize, out var mse, out var mae));
        return (mse, mae);
    }

    private static void Shuffle(long[] items, Random rng)
    {
        for (long i = items.LongLength - 1; i > 0; i--)
        {
            long j = rng.NextInt64(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

/// <summary>What Evaluate returns: Keras' [loss, mae].</summary>
public readonly record struct Evaluation(double Loss, double Mae);
