using System.Diagnostics;
using CultureNet.Engine;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;

namespace CultureNet.Benchmarking;

/// <summary>One round of <see cref="FacesThroughput.Measure"/>, in frames per second.</summary>
public readonly record struct FacesRound(double BareDetector, double Faces, double BareChain, double Engagement)
{
    /// <summary>faces pipeline / bare detector inference.</summary>
    public double FacesRatio => Faces / BareDetector;

    /// <summary>engagement pipeline / bare detector + backbone inference.</summary>
    public double EngagementRatio => Engagement / BareChain;
}

public sealed record FacesThroughputResult(IReadOnlyList<FacesRound> Rounds, int Frames, int FacesFound, int Workers)
{
    public FacesRound Median => new(
        Statistics.Median(Rounds.Select(r => r.BareDetector)), Statistics.Median(Rounds.Select(r => r.Faces)),
        Statistics.Median(Rounds.Select(r => r.BareChain)), Statistics.Median(Rounds.Select(r => r.Engagement)));
    public double MedianFacesRatio => Statistics.Median(Rounds.Select(r => r.FacesRatio));
    public double MedianEngagementRatio => Statistics.Median(Rounds.Select(r => r.EngagementRatio));
}

/// <summary>
/// The four workloads <see cref="FacesThroughput"/> times (and benchmarks/FacesBenchmarks runs under BenchmarkDotNet), on
/// the first frames of one video, set up once: the detector and scanner (default detector, one frame per worker), the
/// built-in ResNet-18, a GenNet-based CultureNet with random, SYNTHETIC weights (speed only), and the ready-made inputs
/// of the same frames — detector tensors and the crops' backbone tensors — for the bare runs.
/// </summary>
public sealed class FacesWorkload : IDisposable
{
    private readonly FaceScanner _scanner;
    private readonly OnnxBackbone _backbone;
    private readonly ImagePreprocessor _pre;
    private readonly Sequential _network;
    private readonly CultureNetModel _model;
    private readonly FrameSource _source;
    private readonly List<(float[] Input, int W, int H)> _detectorInputs = new();
    private readonly float[] _backboneInput, _features;
    private readonly int _batch;

    public FacesWorkload(string video, int frames, int workers = 0, int batch = 16)
    {
        if (frames < 1) throw new CultureNetException("faces-bench needs at least one frame");
        Workers = workers > 0 ? workers : Environment.ProcessorCount;
        _batch = batch;
        (_scanner, _) = new FaceOptions { Workers = Workers }.CreateScanner();
        (_backbone, _pre) = FaceFeaturePipeline.BuiltIn();
        _network = GenNet.Create(_backbone.FeatureWidth, seed: 1);
        _model = new CultureNetModel(GenNet.Create(_backbone.FeatureWidth, seed: 1));
        _model.SetJointLayer(_network);

        _source = FrameSource.FromVideo(video, null, 0, 0);
        var crops = new List<byte[]>();
        foreach (var job in _source.Jobs().Take(frames))
        {
            var f = job.Decoded!;
            _detectorInputs.Add((_scanner.Detector.PrepareInput(f.Rgb, f.Width, f.Height), f.Width, f.Height));
            crops.AddRange(_scanner.ScanOne(job).Faces.Select(x => x.Crop));
        }
        Frames = _detectorInputs.Count;
        FacesFound = crops.Count;
        int size = _scanner.Settings.CropSize;
        _backboneInput = new float[Math.Max(1, crops.Count) * _pre.SampleLength];
        for (int i = 0; i < crops.Count; i++)
            _pre.Preprocess(new DecodedImage(size, size, crops[i], ImageFormat.Png, SourceColorModel.Rgb), _backboneInput.AsSpan(i * _pre.SampleLength, _pre.SampleLength), "crop");
        _features = new float[Math.Max(1, crops.Count) * _backbone.FeatureWidth];
    }

    /// <summary>Frames decoded (the video may have fewer than asked for).</summary>
    public int Frames { get; }
    public int FacesFound { get; }
    public int Workers { get; }

    /// <summary>ONNX Runtime alone on the frames' ready-made detector inputs, one frame per worker.</summary>
    public void BareDetector() =>
        Parallel.For(0, Frames, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i => _scanner.Detector.RunPrepared(_detectorInputs[i].Input, _detectorInputs[i].W, _detectorInputs[i].H));

    /// <summary>ResNet-18 alone on the crops' ready-made inputs, in batches as the pipeline runs them.</summary>
    public void BareBackbone()
    {
        for (int start = 0; start < FacesFound; start += _batch)
        {
            int m = Math.Min(_batch, FacesFound - start);
            _backbone.Run(_backboneInput.AsMemory(start * _pre.SampleLength, m * _pre.SampleLength), m, _features.AsSpan(start * _backbone.FeatureWidth));
        }
    }

    /// <summary>The <c>faces</c> scan of the same frames: ffmpeg decoding, resize, detection, NMS, selection, crop (crops discarded).</summary>
    public int Faces()
    {
        int n = 0;
        foreach (var frame in _scanner.Scan(_source.Jobs().Take(Frames))) n += frame.Faces.Count;
        return n;
    }

    /// <summary>The <c>engagement</c> chain of the same frames: scan, crop preprocessing, ResNet-18, CultureNet.</summary>
    public int Engagement()
    {
        int n = 0;
        var pipeline = new FaceFeaturePipeline(_scanner, _backbone, _pre, _batch);
        foreach (var chunk in pipeline.Run(_source.Jobs().Take(Frames)))
        {
            _model.Predict(new Matrix(chunk.SelectMany(c => c.Features).ToArray(), chunk.Count, _backbone.FeatureWidth), null);
            n += chunk.Count;
        }
        return n;
    }

    public void Dispose()
    {
        _model.Dispose();
        _network.Dispose();
        _backbone.Dispose();
        _scanner.Detector.Dispose();
    }
}

/// <summary>
/// The face pipelines against their bare inference on the same frames, in the same run (<see cref="FacesWorkload"/>).
/// Each round times, back to back: the bare detector, the faces scan, the bare backbone (bare chain = bare detector +
/// bare backbone) and the engagement chain, so load that comes and goes on a shared machine hits a pipeline and its
/// baseline alike. The ratios say how close the pipelines come to what their models alone allow on this machine.
/// </summary>
public static class FacesThroughput
{
    public static FacesThroughputResult Measure(string video, int frames, int rounds, int workers, int batch = 16, Action<FacesRound>? onRound = null)
    {
        if (frames < 1 || rounds < 1) throw new CultureNetException("faces-bench needs at least one frame and one round");
        using var w = new FacesWorkload(video, frames, workers, batch);
        static double Time(Action a) { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalSeconds; }
        w.BareDetector(); w.BareBackbone(); // warm-up: arenas, thread pools
        int n = w.Frames;
        var list = new List<FacesRound>();
        for (int r = 0; r < rounds; r++)
        {
            double det = Time(w.BareDetector), faces = Time(() => w.Faces()), net = Time(w.BareBackbone), engagement = Time(() => w.Engagement());
            var round = new FacesRound(n / det, n / faces, n / (det + net), n / engagement);
            list.Add(round);
            onRound?.Invoke(round);
        }
        return new FacesThroughputResult(list, n, w.FacesFound, w.Workers);
    }
}
