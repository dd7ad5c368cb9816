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
/// The face pipelines against their bare inference on the same frames, in the same run. Each round times, back to back:
/// <list type="number">
/// <item>bare detector: ONNX Runtime alone on the frames' ready-made detector inputs, one frame per worker on all cores;</item>
/// <item>faces: the whole scan (ffmpeg decoding, resize, detection, NMS, selection, crop) of the same frames, crops discarded;</item>
/// <item>bare chain: the bare detector plus the built-in ResNet-18 alone on the ready-made inputs of the frames' crops;</item>
/// <item>engagement: the whole chain (scan, crop preprocessing, ResNet-18, CultureNet) — with a randomly initialised
///   GenNet (SYNTHETIC weights: speed only, the values mean nothing).</item>
/// </list>
/// The ratios say how close the pipelines come to what their models alone allow on this machine.
/// </summary>
public static class FacesThroughput
{
    public static FacesThroughputResult Measure(string video, int frames, int rounds, int workers, int batch = 16, Action<FacesRound>? onRound = null)
    {
        if (frames < 1 || rounds < 1) throw new CultureNetException("faces-bench needs at least one frame and one round");
        workers = workers > 0 ? workers : Environment.ProcessorCount;
        var options = new FaceOptions { Workers = workers };
        var (scanner, _) = options.CreateScanner();
        using var detector = scanner.Detector;
        var (backbone, pre) = FaceFeaturePipeline.BuiltIn();
        using var backboneOwner = backbone;
        using var network = GenNet.Create(backbone.FeatureWidth, seed: 1);
        using var model = new CultureNetModel(GenNet.Create(backbone.FeatureWidth, seed: 1));
        model.SetJointLayer(network);

        // Ready-made inputs of the same frames: detector tensors and the crops' backbone tensors.
        var source = FrameSource.FromVideo(video, null, 0, 0);
        var detectorInputs = new List<(float[] Input, int W, int H)>();
        var crops = new List<byte[]>();
        foreach (var job in source.Jobs().Take(frames))
        {
            var f = job.Decoded!;
            detectorInputs.Add((detector.PrepareInput(f.Rgb, f.Width, f.Height), f.Width, f.Height));
            crops.AddRange(scanner.ScanOne(job).Faces.Select(x => x.Crop));
        }
        int n = detectorInputs.Count, size = scanner.Settings.CropSize;
        var backboneInput = new float[Math.Max(1, crops.Count) * pre.SampleLength];
        for (int i = 0; i < crops.Count; i++)
            pre.Preprocess(new DecodedImage(size, size, crops[i], ImageFormat.Png, SourceColorModel.Rgb), backboneInput.AsSpan(i * pre.SampleLength, pre.SampleLength), "crop");
        var features = new float[Math.Max(1, crops.Count) * backbone.FeatureWidth];

        double BareDetector()
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => detector.RunPrepared(detectorInputs[i].Input, detectorInputs[i].W, detectorInputs[i].H));
            return sw.Elapsed.TotalSeconds;
        }
        double BareBackbone()
        {
            var sw = Stopwatch.StartNew();
            for (int start = 0; start < crops.Count; start += batch)
            {
                int m = Math.Min(batch, crops.Count - start);
                backbone.Run(backboneInput.AsMemory(start * pre.SampleLength, m * pre.SampleLength), m, features.AsSpan(start * backbone.FeatureWidth));
            }
            return sw.Elapsed.TotalSeconds;
        }
        double Faces()
        {
            var sw = Stopwatch.StartNew();
            foreach (var _ in scanner.Scan(source.Jobs().Take(frames))) { }
            return sw.Elapsed.TotalSeconds;
        }
        double Engagement()
        {
            var sw = Stopwatch.StartNew();
            var pipeline = new FaceFeaturePipeline(scanner, backbone, pre, batch);
            foreach (var chunk in pipeline.Run(source.Jobs().Take(frames)))
                model.Predict(new Matrix(chunk.SelectMany(c => c.Features).ToArray(), chunk.Count, backbone.FeatureWidth), null);
            return sw.Elapsed.TotalSeconds;
        }

        BareDetector(); BareBackbone(); // warm-up: arenas, thread pools
        var list = new List<FacesRound>();
        for (int r = 0; r < rounds; r++)
        {
            double det = BareDetector(), faces = Faces(), net = BareBackbone(), engagement = Engagement();
            var round = new FacesRound(n / det, n / faces, n / (det + net), n / engagement);
            list.Add(round);
            onRound?.Invoke(round);
        }
        return new FacesThroughputResult(list, n, crops.Count, workers);
    }
}
