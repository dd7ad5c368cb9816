using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CultureNet.Engine.Extraction;
using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Benchmarks;

/// <summary>
/// Feature extraction: the whole pipeline (decode JPEG/PNG → resize/crop/normalise → ResNet-18 → rows) against bare
/// ONNX Runtime inference on a batch of 64 of the same images already preprocessed, same run, same session options. The
/// pipeline processes 256 images (4 batches of 64, so decoding overlaps inference). Both are reported per image
/// (OperationsPerInvoke), so the Ratio column is bare time / pipeline time per image, i.e.
/// pipeline images/s ÷ bare images/s. Images: real photographs from skimage's data folder (Debian python3-skimage),
/// or the JPEG/PNG files of the folder in CULTURENET_BENCH_IMAGES.
/// `dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*Extraction*'`
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15)]
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private const int Batch = 64;
    private const int PipelineImages = 4 * Batch; // several batches, so decoding overlaps inference
    private OnnxBackbone _backbone = null!;
    private FeatureExtractor _extractor = null!;
    private ImagePreprocessor _pre = null!;
    private List<ManifestEntry> _entries = null!;
    private float[] _tensor = null!;
    private float[] _features = null!;
    private InferenceSession _bare = null!;
    private SessionOptions _bareOptions = null!;
    private OrtValue _bareInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        string dir = Environment.GetEnvironmentVariable("CULTURENET_BENCH_IMAGES") ?? "/usr/lib/python3/dist-packages/skimage/data";
        var files = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".jpg") || f.EndsWith(".png"))
                .Where(f => new[] { "astronaut", "chelsea", "coffee", "rocket", "camera", "motorcycle_left", "hubble_deep_field" }
                    .Any(n => Path.GetFileName(f).StartsWith(n)) || Environment.GetEnvironmentVariable("CULTURENET_BENCH_IMAGES") is not null)
                .Order().ToList()
            : [];
        if (files.Count == 0)
            throw new InvalidOperationException($"no JPEG/PNG images in {dir}: apt-get install python3-skimage, or set CULTURENET_BENCH_IMAGES");
        _entries = Enumerable.Range(0, PipelineImages)
            .Select(i => new ManifestEntry(files[i % files.Count], new FrameKey(0, 1, i), 0f, files[i % files.Count]))
            .ToList();

        _backbone = OnnxBackbone.Load(BuiltInBackbone.ModelPath);
        var pre = _pre = new ImagePreprocessor(256, 224, 224, BuiltInBackbone.Normalization, TensorLayout.Nchw, allowUpscale: true);
        _extractor = new FeatureExtractor(_backbone, pre, new ExtractionOptions { BatchSize = Batch });

        _tensor = new float[Batch * pre.SampleLength];
        for (int i = 0; i < Batch; i++)
            pre.Preprocess(ImageDecoder.Decode(_entries[i].Path), _tensor.AsSpan(i * pre.SampleLength, pre.SampleLength), _entries[i].Path);
        _features = new float[Batch * _backbone.FeatureWidth];

        // Bare ONNX Runtime: the same (batch-relaxed) model, same options, one Run on the ready tensor.
        _bareOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        _bare = new InferenceSession(OnnxBatchPatcher.RelaxBatchDimension(File.ReadAllBytes(BuiltInBackbone.ModelPath))!, _bareOptions);
        _bareInput = OrtValue.CreateTensorValueFromMemory(_tensor, [Batch, 3, 224, 224]);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "bare ONNX Runtime (preprocessed batch)")]
    public float BareInference()
    {
        using var ro = new RunOptions();
        using var results = _bare.Run(ro, [BuiltInBackbone.InputName], [_bareInput], [BuiltInBackbone.OutputName]);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    [Benchmark(OperationsPerInvoke = PipelineImages, Description = "pipeline (decode+preprocess+infer)")]
    public long Pipeline()
    {
        var sink = new NullFeatureSink(_backbone.FeatureWidth);
        _extractor.Run(_entries, sink);
        return sink.Count;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "decode+preprocess only")]
    public float DecodeAndPreprocess()
    {
        var pre = _pre;
        Parallel.For(0, Batch, i =>
            pre.Preprocess(ImageDecoder.Decode(_entries[i].Path), _tensor.AsSpan(i * pre.SampleLength, pre.SampleLength), _entries[i].Path));
        return _tensor[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bareInput.Dispose();
        _bare.Dispose();
        _bareOptions.Dispose();
        _backbone.Dispose();
    }
}
