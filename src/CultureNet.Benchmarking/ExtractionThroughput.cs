using CultureNet.Engine;
using CultureNet.Engine.Extraction;
using System.Diagnostics;

namespace CultureNet.Benchmarking;

/// <summary>One round of <see cref="ExtractionThroughput.Measure"/>.</summary>
public readonly record struct ThroughputRound(double BareImagesPerSecond, double PipelineImagesPerSecond)
{
    public double Ratio => PipelineImagesPerSecond / BareImagesPerSecond;
}

/// <summary>Result of <see cref="ExtractionThroughput.Measure"/>.</summary>
public sealed record ThroughputResult(IReadOnlyList<ThroughputRound> Rounds, int Images, int Batch)
{
    public double MedianBare => Statistics.Median(Rounds.Select(r => r.BareImagesPerSecond));
    public double MedianPipeline => Statistics.Median(Rounds.Select(r => r.PipelineImagesPerSecond));

    /// <summary>Median of the per-round ratios: each round times both back to back, so a busy moment of a shared host hits both.</summary>
    public double MedianRatio => Statistics.Median(Rounds.Select(r => r.Ratio));

    public double BestBare => Rounds.Max(r => r.BareImagesPerSecond);
    public double BestPipeline => Rounds.Max(r => r.PipelineImagesPerSecond);

    /// <summary>
    /// Best pipeline rate over best bare rate. Load from other tenants only ever slows a measurement down, so the best
    /// reading of each side is its closest to an undisturbed machine; on a busy shared host this is the steadier figure.
    /// </summary>
    public double RatioOfBest => BestPipeline / BestBare;
}

/// <summary>
/// Pipeline images/s against bare ONNX Runtime inference, measured in the same run: each round runs the bare model on
/// ready-made batches (the first <c>batch</c> images, preprocessed once, run images/batch times: the same number of
/// images) and then the whole pipeline (decode → preprocess → infer → discard) on the images, back to back.
/// The bare session is a second session of the same (batch-relaxed) model with the same thread settings.
/// </summary>
public static class ExtractionThroughput
{
    public static ThroughputResult Measure(IReadOnlyList<ManifestEntry> images, string modelPath, BackboneOptions backboneOptions,
        Func<OnnxBackbone, ImagePreprocessor> preprocessor, int batch, int rounds, Action<ThroughputRound>? onRound = null)
    {
        if (images.Count < batch) throw new CultureNetException($"the benchmark needs at least one batch ({batch}) of images, got {images.Count}");
        using var backbone = OnnxBackbone.Load(modelPath, backboneOptions);
        var pre = preprocessor(backbone);
        var extractor = new FeatureExtractor(backbone, pre, new ExtractionOptions { BatchSize = batch });

        // Bare: a second session of the same model, same options, one Run per ready batch.
        using var bare = OnnxBackbone.Load(modelPath, backboneOptions);
        var tensor = new float[batch * pre.SampleLength];
        for (int i = 0; i < batch; i++)
            pre.Preprocess(ImageDecoder.Decode(images[i].Path), tensor.AsSpan(i * pre.SampleLength, pre.SampleLength), images[i].Path);
        var features = new float[batch * bare.FeatureWidth];
        int bareCalls = Math.Max(1, images.Count / batch);

        // Warm-up: first runs allocate ONNX Runtime's arenas and thread pools.
        bare.Run(tensor, batch, features);
        extractor.Run(images.Take(batch).ToList(), new NullFeatureSink(backbone.FeatureWidth));

        var list = new List<ThroughputRound>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int k = 0; k < bareCalls; k++) bare.Run(tensor, batch, features);
            double bareRate = bareCalls * batch / sw.Elapsed.TotalSeconds;
            sw.Restart();
            var summary = extractor.Run(images, new NullFeatureSink(backbone.FeatureWidth));
            double pipeRate = (summary.Written + summary.Failed.Count) / sw.Elapsed.TotalSeconds;
            var round = new ThroughputRound(bareRate, pipeRate);
            list.Add(round);
            onRound?.Invoke(round);
        }
        return new ThroughputResult(list, images.Count, batch);
    }
}
