using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>How to run a face detector.</summary>
public sealed record DetectorOptions
{
    /// <summary>ONNX Runtime threads inside one detection; the pipeline runs one detection per core, so 1.</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Overlap above which the weaker of two boxes is suppressed.</summary>
    public float NmsIou { get; init; } = 0.3f;
}

/// <summary>The model's raw outputs for one frame, with the geometry that maps them back to the frame.</summary>
public sealed record RawDetection(IReadOnlyDictionary<string, float[]> Outputs, int FrameWidth, int FrameHeight);

/// <summary>
/// A face detector run with ONNX Runtime: frame → model input → raw outputs → candidate boxes above the threshold in
/// frame pixels → non-max suppression. Loading checks the model's input and outputs against its format and fails with
/// the file's name. <see cref="Detect"/> is thread-safe (one ONNX Runtime session, buffers per call).
/// </summary>
public abstract class FaceDetector : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;

    protected FaceDetector(string path, DetectorOptions options, InferenceSession session, SessionOptions sessionOptions)
    {
        ModelPath = path;
        Options = options;
        _session = session;
        _sessionOptions = sessionOptions;
        InputName = session.InputMetadata.Keys.Single();
    }

    public string ModelPath { get; }
    public DetectorOptions Options { get; }
    public string InputName { get; }
    public abstract DetectorFormat Format { get; }

    /// <summary>The threshold to use when none is given, on this detector's own score scale.</summary>
    public abstract float DefaultThreshold { get; }

    /// <summary>Model input shape for one frame.</summary>
    protected abstract long[] InputShape { get; }

    /// <summary>Resizes and normalises the frame into the model's input.</summary>
    protected abstract void Prepare(ReadOnlySpan<byte> rgb, int width, int height, Span<float> input);

    /// <summary>Boxes of the raw outputs whose score reaches <paramref name="threshold"/>, in frame pixels, before NMS.</summary>
    public abstract List<FaceBox> Candidates(RawDetection raw, float threshold);

    public static FaceDetector Load(string path, DetectorFormat format, DetectorOptions? options = null)
    {
        options ??= new DetectorOptions();
        if (!File.Exists(path)) throw new CultureNetException($"{path}: face detector model not found");
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(1, options.IntraOpThreads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // ONNX Runtime warns about unused initialisers in these exports; only errors are worth showing.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        InferenceSession session;
        try { session = new InferenceSession(path, so); }
        catch (OnnxRuntimeException e)
        {
            so.Dispose();
            throw new CultureNetException($"{path}: not a loadable ONNX model: {e.Message}", e);
        }
        try
        {
            if (session.InputMetadata.Count != 1)
                throw new CultureNetException($"{path}: a face detector has one image input; this model has {session.InputMetadata.Count} ({string.Join(", ", session.InputMetadata.Keys)})");
            return format switch
            {
                DetectorFormat.UltraFace => new UltraFaceDetector(path, options, session, so),
                DetectorFormat.BlazeFace => new BlazeFaceDetector(path, options, session, so),
                _ => throw new CultureNetException($"--detector-format {format}: unknown detector format; expected ultraface or blazeface"),
            };
        }
        catch
        {
            session.Dispose();
            so.Dispose();
            throw;
        }
    }

    /// <summary>Faces in one frame (RGB, width × height × 3), strongest first, after non-max suppression.</summary>
    public List<FaceBox> Detect(ReadOnlySpan<byte> rgb, int width, int height, float threshold) =>
        NonMaxSuppression.Apply(Candidates(Run(rgb, width, height), threshold), Options.NmsIou);

    /// <summary>The model's raw outputs for one frame (what <see cref="Candidates"/> decodes).</summary>
    public RawDetection Run(ReadOnlySpan<byte> rgb, int width, int height)
    {
        CheckFrame(rgb, width, height);
        // A pooled input: a fresh one per frame (920 KB for UltraFace) is a large-object allocation, and those frames
        // come at tens per second.
        int length = InputLength;
        var input = System.Buffers.ArrayPool<float>.Shared.Rent(length);
        try
        {
            Prepare(rgb, width, height, input.AsSpan(0, length));
            return RunInput(input.AsMemory(0, length), width, height);
        }
        finally { System.Buffers.ArrayPool<float>.Shared.Return(input); }
    }

    private int InputLength => checked((int)InputShape.Aggregate(1L, (a, b) => a * b));

    private static void CheckFrame(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (width < 1 || height < 1 || rgb.Length < width * height * 3)
            throw new ArgumentException($"frame {width}×{height} with {rgb.Length} bytes");
    }

    /// <summary>The model input for one frame (resized and normalised).</summary>
    public float[] PrepareInput(ReadOnlySpan<byte> rgb, int width, int height)
    {
        CheckFrame(rgb, width, height);
        var input = new float[InputLength];
        Prepare(rgb, width, height, input);
        return input;
    }

    /// <summary>Inference alone on an input from <see cref="PrepareInput"/> (what a benchmark calls the bare detector).</summary>
    public RawDetection RunPrepared(float[] input, int width, int height) => RunInput(input, width, height);

    private RawDetection RunInput(Memory<float> input, int width, int height)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, InputShape);
        using var ro = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> results;
        var names = _session.OutputMetadata.Keys.ToArray();
        try { results = _session.Run(ro, [InputName], [value], names); }
        catch (OnnxRuntimeException e) { throw new CultureNetException($"{ModelPath}: face detection failed: {e.Message}", e); }
        using (results)
        {
            var outputs = new Dictionary<string, float[]>(names.Length);
            for (int i = 0; i < names.Length; i++) outputs[names[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
            return new RawDetection(outputs, width, height);
        }
    }

    /// <summary>Declared output shapes, for format checks.</summary>
    protected static IReadOnlyDictionary<string, int[]> OutputShapes(InferenceSession session) =>
        session.OutputMetadata.ToDictionary(o => o.Key, o => o.Value.Dimensions);

    protected static string Describe(InferenceSession session) =>
        string.Join(", ", session.OutputMetadata.Select(o => $"{o.Key} [{string.Join(", ", o.Value.Dimensions)}]"));

    /// <summary>The single input's fixed dimensions, or an error naming the file.</summary>
    protected static int[] FixedInput(InferenceSession session, string path, string expected)
    {
        var (name, meta) = session.InputMetadata.First();
        var d = meta.Dimensions;
        if (meta.ElementType != typeof(float) || d.Length != 4 || d.Skip(1).Any(x => x <= 0))
            throw new CultureNetException($"{path}: input '{name}' is {meta.ElementType.Name} [{string.Join(", ", d)}]; expected float {expected}");
        return d;
    }

    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
        GC.SuppressFinalize(this);
    }
}
