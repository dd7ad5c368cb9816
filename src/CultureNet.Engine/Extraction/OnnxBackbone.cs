using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Extraction;

/// <summary>How to load a backbone.</summary>
public sealed record BackboneOptions
{
    /// <summary>Name of the output holding the pooled features; null: the model's only output.</summary>
    public string? OutputName { get; init; }

    /// <summary>Input height/width to use when the model leaves them symbolic (e.g. a dynamic-size export); null: 224.</summary>
    public int? InputSize { get; init; }

    /// <summary>Force a layout instead of reading it from the input shape (3 at axis 1 → NCHW, 3 at axis 3 → NHWC).</summary>
    public TensorLayout? Layout { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one inference; 0: one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Use the CUDA execution provider (error when this ONNX Runtime build has none).</summary>
    public bool UseGpu { get; init; }

    public int GpuDevice { get; init; }

    /// <summary>
    /// Let ONNX Runtime's worker threads spin between parallel sections (its default). Off leaves those cycles to the
    /// decoding threads when both share the cores, as in the extraction pipeline.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>When the model declares a fixed batch of 1, rewrite it to a symbolic batch (checked by a probe run).</summary>
    public bool RelaxFixedBatch { get; init; } = true;
}

/// <summary>
/// An image backbone run with ONNX Runtime: one 4-D float image input (NCHW or NHWC, 3 channels) and one output that,
/// per image, is a vector (shape [N, D] or [N, D, 1, 1] — a pooled feature). Loading checks all of this and runs a probe
/// so a wrong model fails at start with a message naming the file, not after hours. <see cref="Run"/> is thread-safe.
/// </summary>
public sealed class OnnxBackbone : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxBackbone(InferenceSession session, SessionOptions options, string path, string inputName, string outputName,
        TensorLayout layout, int height, int width, int? fixedBatch, string provider)
    {
        _session = session;
        _options = options;
        ModelPath = path;
        InputName = inputName;
        OutputName = outputName;
        Layout = layout;
        InputHeight = height;
        InputWidth = width;
        FixedBatch = fixedBatch;
        ExecutionProvider = provider;
        _inputNames = [inputName];
        _outputNames = [outputName];
    }

    public string ModelPath { get; }
    public string InputName { get; }
    public string OutputName { get; }
    public TensorLayout Layout { get; }
    public int InputHeight { get; }
    public int InputWidth { get; }

    /// <summary>Width of the feature vector (512 for ResNet-18, 2048 for ResNet-50).</summary>
    public int FeatureWidth { get; private set; }

    /// <summary>The batch size the model insists on, or null when any batch size runs.</summary>
    public int? FixedBatch { get; }

    /// <summary>True when the declared batch of 1 was rewritten to a symbolic batch (<see cref="OnnxBatchPatcher"/>).</summary>
    public bool BatchRelaxed { get; private set; }

    /// <summary>"CPU" or "CUDA".</summary>
    public string ExecutionProvider { get; }

    public int SampleLength => 3 * InputHeight * InputWidth;

    public long[] InputShape(int n) => Layout == TensorLayout.Nchw ? [n, 3, InputHeight, InputWidth] : [n, InputHeight, InputWidth, 3];

    /// <summary>Providers this ONNX Runtime build offers (e.g. CPUExecutionProvider, CUDAExecutionProvider).</summary>
    public static string[] AvailableProviders() => OrtEnv.Instance().GetAvailableProviders();

    public static OnnxBackbone Load(string path, BackboneOptions? options = null)
    {
        options ??= new BackboneOptions();
        if (!File.Exists(path)) throw new CultureNetException($"{path}: backbone model not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new CultureNetException($"{path}: cannot read the backbone model: {e.Message}", e); }

        var first = Create(bytes, path, options, relaxed: false);
        if (first.FixedBatch == 1 && options.RelaxFixedBatch)
        {
            byte[]? patched = null;
            try { patched = OnnxBatchPatcher.RelaxBatchDimension(bytes); }
            catch (InvalidDataException) { /* keep the fixed-batch model */ }
            if (patched is not null)
            {
                OnnxBackbone? relaxed = null;
                try
                {
                    relaxed = Create(patched, path, options, relaxed: true);
                    if (relaxed.FixedBatch is null && relaxed.BatchProbeAgrees())
                    {
                        first.Dispose();
                        relaxed.BatchRelaxed = true;
                        return relaxed;
                    }
                }
                catch (Exception e) when (e is OnnxRuntimeException or CultureNetException) { }
                relaxed?.Dispose();
            }
        }
        return first;
    }

    private static OnnxBackbone Create(byte[] model, string path, BackboneOptions options, bool relaxed)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (!options.AllowSpinning) so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        string provider = "CPU";
        if (options.UseGpu)
        {
            var available = AvailableProviders();
            if (!available.Contains("CUDAExecutionProvider"))
            {
                so.Dispose();
                throw new CultureNetException(
                    $"--gpu: this ONNX Runtime build has no CUDA execution provider (it offers {string.Join(", ", available)}); " +
                    "build with -p:OnnxRuntimeGpu=true (package Microsoft.ML.OnnxRuntime.Gpu.Linux; needs the CUDA 13 runtime), or drop --gpu");
            }
            try { so.AppendExecutionProvider_CUDA(options.GpuDevice); }
            catch (OnnxRuntimeException e)
            {
                so.Dispose();
                throw new CultureNetException($"--gpu: cannot start the CUDA execution provider on device {options.GpuDevice} (is the CUDA 13 runtime with cuBLAS and cuDNN installed, and a GPU present?): {e.Message}", e);
            }
            provider = "CUDA";
        }

        InferenceSession session;
        try { session = new InferenceSession(model, so); }
        catch (OnnxRuntimeException e)
        {
            so.Dispose();
            throw new CultureNetException($"{path}: not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            var inputs = session.InputMetadata;
            if (inputs.Count != 1)
                throw new CultureNetException($"{path}: the backbone must have one image input; it has {inputs.Count} ({string.Join(", ", inputs.Keys)})");
            var (inputName, meta) = inputs.First();
            if (meta.ElementType != typeof(float))
                throw new CultureNetException($"{path}: input '{inputName}' is {meta.ElementType.Name}; expected float32 image tensors");
            var d = meta.Dimensions;
            if (d.Length != 4)
                throw new CultureNetException($"{path}: input '{inputName}' has shape [{string.Join(", ", d)}]; expected a 4-D image batch (NCHW or NHWC)");
            TensorLayout layout = options.Layout ?? (d[1] == 3 ? TensorLayout.Nchw : d[3] == 3 ? TensorLayout.Nhwc
                : throw new CultureNetException($"{path}: input '{inputName}' has shape [{string.Join(", ", d)}]; cannot tell the channel axis (no 3 at axis 1 or 3); pass --layout"));
            int h = layout == TensorLayout.Nchw ? d[2] : d[1];
            int w = layout == TensorLayout.Nchw ? d[3] : d[2];
            int fallback = options.InputSize ?? 224;
            if (h <= 0) h = fallback;
            if (w <= 0) w = fallback;
            if (options.InputSize is { } forced && (forced != h || forced != w))
                throw new CultureNetException($"{path}: input '{inputName}' is fixed at {h}×{w}; --input-size {forced} does not match");
            int? fixedBatch = d[0] > 0 ? d[0] : null;

            var outputs = session.OutputMetadata;
            string outputName;
            if (options.OutputName is { } wanted)
            {
                if (!outputs.ContainsKey(wanted))
                    throw new CultureNetException($"{path}: --output '{wanted}' is not an output of the model; its outputs are {string.Join(", ", outputs.Keys)}");
                outputName = wanted;
            }
            else if (outputs.Count == 1) outputName = outputs.Keys.First();
            else throw new CultureNetException($"{path}: the model has {outputs.Count} outputs ({string.Join(", ", outputs.Keys)}); name the pooled feature output with --output");
            if (outputs[outputName].ElementType != typeof(float))
                throw new CultureNetException($"{path}: output '{outputName}' is {outputs[outputName].ElementType.Name}; expected float32 features");

            var backbone = new OnnxBackbone(session, so, path, inputName, outputName, layout, h, w, fixedBatch, provider);
            backbone.FeatureWidth = backbone.ProbeFeatureWidth();
            return backbone;
        }
        catch
        {
            session.Dispose();
            so.Dispose();
            throw;
        }
    }

    /// <summary>Runs one zero image and checks that the output is one vector per image; returns its width.</summary>
    private int ProbeFeatureWidth()
    {
        int n = FixedBatch ?? 1;
        var input = new float[n * SampleLength];
        using var value = OrtValue.CreateTensorValueFromMemory(input, InputShape(n));
        using var ro = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> results;
        try { results = _session.Run(ro, _inputNames, [value], _outputNames); }
        catch (OnnxRuntimeException e) { throw new CultureNetException($"{ModelPath}: a probe inference on a zero image failed: {e.Message}", e); }
        using var disposeResults = results;
        var shape = results[0].GetTensorTypeAndShape().Shape;
        string shown = $"[{string.Join(", ", shape)}]";
        if (shape.Length < 2 || shape[0] != n)
            throw new CultureNetException($"{ModelPath}: output '{OutputName}' has shape {shown} for a batch of {n}; expected [batch, features] (one vector per image)");
        var perImage = shape.Skip(1).Where(x => x != 1).ToArray();
        if (perImage.Length > 1)
            throw new CultureNetException(
                $"{ModelPath}: output '{OutputName}' has shape {shown}: per image it is [{string.Join(", ", shape.Skip(1))}], not a vector; " +
                $"choose the pooled (global average pool / flatten) output with --output (outputs: {string.Join(", ", _session.OutputMetadata.Keys)})");
        long width = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        return checked((int)width);
    }

    /// <summary>After relaxing the batch: a batch of two gives two rows and row 2 equals the same image run alone.</summary>
    private bool BatchProbeAgrees()
    {
        var rng = new Random(12345);
        var two = new float[2 * SampleLength];
        for (int i = 0; i < two.Length; i++) two[i] = (float)(rng.NextDouble() * 2 - 1);
        var pair = new float[2 * FeatureWidth];
        var single = new float[FeatureWidth];
        try
        {
            Run(two, 2, pair);
            Run(two.AsMemory(SampleLength, SampleLength), 1, single);
        }
        catch (CultureNetException) { return false; }
        for (int i = 0; i < FeatureWidth; i++)
        {
            float a = pair[FeatureWidth + i], b = single[i];
            if (!(Math.Abs(a - b) <= 1e-3f * (1 + Math.Abs(b)))) return false;
        }
        return true;
    }

    /// <summary>
    /// Runs <paramref name="count"/> preprocessed images (count × <see cref="SampleLength"/> floats in <see cref="Layout"/>)
    /// and writes count × <see cref="FeatureWidth"/> features. Splits or pads to the model's fixed batch when it has one.
    /// </summary>
    public void Run(ReadOnlyMemory<float> images, int count, Span<float> features)
    {
        if (images.Length < count * SampleLength) throw new ArgumentException("input shorter than count samples", nameof(images));
        if (features.Length < count * FeatureWidth) throw new ArgumentException("feature buffer shorter than count rows", nameof(features));
        if (count == 0) return;
        if (FixedBatch is not { } fixedN)
        {
            RunExact(images[..(count * SampleLength)], count, features);
            return;
        }
        var padded = new float[fixedN * SampleLength];
        var outBuf = new float[fixedN * FeatureWidth];
        for (int start = 0; start < count; start += fixedN)
        {
            int n = Math.Min(fixedN, count - start);
            if (n == fixedN)
            {
                RunExact(images.Slice(start * SampleLength, n * SampleLength), n, features.Slice(start * FeatureWidth));
                continue;
            }
            Array.Clear(padded);
            images.Slice(start * SampleLength, n * SampleLength).Span.CopyTo(padded);
            RunExact(padded, fixedN, outBuf);
            outBuf.AsSpan(0, n * FeatureWidth).CopyTo(features.Slice(start * FeatureWidth));
        }
    }

    private void RunExact(ReadOnlyMemory<float> images, int n, Span<float> features)
    {
        // ONNX Runtime only reads the input; the cast away from read-only is safe.
        var memory = System.Runtime.InteropServices.MemoryMarshal.AsMemory(images);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, InputShape(n));
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            using var ro = new RunOptions();
            results = _session.Run(ro, _inputNames, [value], _outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CultureNetException($"{ModelPath}: inference failed for a batch of {n}: {e.Message}", e);
        }
        using (results)
        {
            var output = results[0];
            var shape = output.GetTensorTypeAndShape().Shape;
            long total = shape.Aggregate(1L, (a, b) => a * b);
            if (shape.Length == 0 || shape[0] != n || total != (long)n * FeatureWidth)
                throw new CultureNetException($"{ModelPath}: output '{OutputName}' has shape [{string.Join(", ", shape)}] for a batch of {n}; expected {n} vectors of {FeatureWidth}");
            output.GetTensorDataAsSpan<float>().CopyTo(features);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
