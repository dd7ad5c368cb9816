using CultureNet.Benchmarking;
using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>
/// Layouts, fixed batches and output selection, with tiny hand-written ONNX models whose features are channel means of
/// the normalised input — known exactly from PIL's crop, so these check the normalisation presets end to end too.
/// </summary>
[Collection("extraction")]
public sealed class ModelShapeTests(OracleFixture fx)
{
    private string Save(string name, byte[] model)
    {
        string p = Path.Combine(fx.Dir, $"{Guid.NewGuid():N}-{name}");
        File.WriteAllBytes(p, model);
        return p;
    }

    private List<ManifestEntry> Entries(params string[] names) =>
        names.Select((n, i) => new ManifestEntry(fx.Images[n].Path, new FrameKey(0, 1, i), 0f, n)).ToList();

    /// <summary>Mean over the 224×224 PIL crop of (pixel·scale − mean[c]) / std[c], channel c reading RGB channel src(c).</summary>
    private double[] ChannelMeans(string name, float scale, float[] mean, float[] std, bool bgr)
    {
        byte[] pil = fx.PilCrop(name, 256);
        var m = new double[3];
        for (int c = 0; c < 3; c++)
        {
            int src = bgr ? 2 - c : c;
            double sum = 0;
            for (int i = 0; i < 224 * 224; i++) sum += (pil[i * 3 + src] * (double)scale - mean[c]) / std[c];
            m[c] = sum / (224 * 224);
        }
        return m;
    }

    [Fact]
    public void NhwcModelWithCaffePresetGetsBgrMeanSubtractedPixels()
    {
        // Like a Keras model exported with tf2onnx: NHWC input, symbolic batch, pooled output.
        string path = Save("nhwc.onnx", TinyOnnx.Model(
            [
                new("Transpose", ["input_1"], ["t"], ("perm", new long[] { 0, 3, 1, 2 })),
                new("GlobalAveragePool", ["t"], ["p"]),
                new("Flatten", ["p"], ["avg_pool"], ("axis", 1L)),
            ],
            ("input_1", [-1, 224, 224, 3]), [("avg_pool", [-1, 3])]));
        using var model = OnnxBackbone.Load(path);
        Assert.Equal(TensorLayout.Nhwc, model.Layout);
        Assert.Equal(3, model.FeatureWidth);
        Assert.Null(model.FixedBatch);
        Assert.False(model.BatchRelaxed);

        var pre = new ImagePreprocessor(256, model.InputWidth, model.InputHeight, PixelNormalization.Caffe, model.Layout);
        var sink = new InMemoryFeatureSink(3);
        var entries = Entries("coffee.png", "rocket.jpg", "chelsea.png");
        new FeatureExtractor(model, pre, new ExtractionOptions { BatchSize = 2 }).Run(entries, sink);
        foreach (var e in entries)
        {
            var expected = ChannelMeans(e.Source, 1f, [103.939f, 116.779f, 123.68f], [1f, 1f, 1f], bgr: true);
            var got = sink[e.Key];
            for (int c = 0; c < 3; c++) Assert.True(Math.Abs(got[c] - expected[c]) < 0.02, $"{e.Source} channel {c}: {got[c]} vs {expected[c]}");
        }
        // BGR order matters: coffee's red mean differs from its blue mean by far more than the tolerance.
        Assert.True(Math.Abs(sink[entries[0].Key][0] - sink[entries[0].Key][2]) > 1);
    }

    [Fact]
    public void FixedBatchModelThatCannotBatchRunsOneImagePerCall()
    {
        // Batch fixed at 1 and a Reshape to [1, 3]: relaxing the batch is tried, the probe fails, and the model runs per image.
        string path = Save("fixed.onnx", TinyOnnx.Model(
            [
                new("GlobalAveragePool", ["x"], ["p"]),
                new("Reshape", ["p", "shape"], ["y"]),
            ],
            ("x", [1, 3, 224, 224]), [("y", [1, 3])], [("shape", [1, 3])]));
        using var model = OnnxBackbone.Load(path);
        Assert.Equal(1, model.FixedBatch);
        Assert.False(model.BatchRelaxed);
        Assert.Equal(3, model.FeatureWidth);

        var pre = new ImagePreprocessor(256, 224, 224, PixelNormalization.Torch, model.Layout);
        var sink = new InMemoryFeatureSink(3);
        var entries = Entries("coffee.png", "rocket.jpg", "astronaut.png");
        var summary = new FeatureExtractor(model, pre, new ExtractionOptions { BatchSize = 4 }).Run(entries, sink);
        Assert.Equal(3, summary.Written);
        foreach (var e in entries)
        {
            var expected = ChannelMeans(e.Source, 1 / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], bgr: false);
            var got = sink[e.Key];
            for (int c = 0; c < 3; c++) Assert.True(Math.Abs(got[c] - expected[c]) < 1e-3, $"{e.Source} channel {c}: {got[c]} vs {expected[c]}");
        }
    }

    [Fact]
    public void SeveralOutputsNeedANamedOutput()
    {
        string path = Save("two.onnx", TinyOnnx.Model(
            [
                new("GlobalAveragePool", ["x"], ["pooled"]),
                new("Relu", ["x"], ["fmap"]),
            ],
            ("x", [-1, 3, 224, 224]), [("pooled", [-1, 3, 1, 1]), ("fmap", [-1, 3, 224, 224])]));
        var e = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("pooled", e.Message);
        Assert.Contains("fmap", e.Message);
        Assert.Contains("--output", e.Message);

        using var pooled = OnnxBackbone.Load(path, new BackboneOptions { OutputName = "pooled" });
        Assert.Equal(3, pooled.FeatureWidth); // [N, 3, 1, 1] is a vector per image
        var notVector = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(path, new BackboneOptions { OutputName = "fmap" }));
        Assert.Contains("not a vector", notVector.Message);
    }

    [Fact]
    public void AnInputThatIsNotAnImageBatchIsRefused()
    {
        string path = Save("flat.onnx", TinyOnnx.Model([new("Relu", ["x"], ["y"])], ("x", [-1, 2048]), [("y", [-1, 2048])]));
        var e = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("4-D image batch", e.Message);
    }

    [Fact]
    public void ThroughputMeasurementRunsBothSidesEveryRound()
    {
        string path = Save("gap.onnx", TinyOnnx.Model([new("GlobalAveragePool", ["x"], ["p"])], ("x", [-1, 3, 224, 224]), [("p", [-1, 3, 1, 1])]));
        var entries = Entries("coffee.png", "rocket.jpg", "chelsea.png", "astronaut.png");
        var seen = new List<ThroughputRound>();
        var result = ExtractionThroughput.Measure(entries, path, new BackboneOptions(),
            m => new ImagePreprocessor(256, m.InputWidth, m.InputHeight, PixelNormalization.Torch, m.Layout), batch: 2, rounds: 3, seen.Add);
        Assert.Equal(3, result.Rounds.Count);
        Assert.Equal(result.Rounds, seen);
        Assert.All(result.Rounds, r => Assert.True(r.BareImagesPerSecond > 0 && r.PipelineImagesPerSecond > 0));
        Assert.Equal(result.Rounds.Select(r => r.Ratio).Order().ElementAt(1), result.MedianRatio);
    }

    [Fact]
    public void NonFiniteFeaturesAreReportedAndTheRowSkipped()
    {
        // log(−|mean|) is NaN (or −∞): a backbone gone wrong must not put NaN rows into the store.
        string path = Save("nan.onnx", TinyOnnx.Model(
            [
                new("GlobalAveragePool", ["x"], ["p"]),
                new("Abs", ["p"], ["a"]),
                new("Neg", ["a"], ["n"]),
                new("Log", ["n"], ["y"]),
            ],
            ("x", [-1, 3, 224, 224]), [("y", [-1, 3, 1, 1])]));
        using var model = OnnxBackbone.Load(path);
        var pre = new ImagePreprocessor(256, 224, 224, PixelNormalization.Torch, model.Layout);
        var sink = new InMemoryFeatureSink(3);
        var summary = new FeatureExtractor(model, pre).Run(Entries("coffee.png", "rocket.jpg"), sink);
        Assert.Equal(0, summary.Written);
        Assert.Empty(sink.Rows);
        Assert.Equal(2, summary.Failed.Count);
        Assert.All(summary.Failed, f => Assert.Contains("non-finite", f.Message));
        Assert.Contains(summary.Failed, f => f.Path == fx.Images["coffee.png"].Path);
    }
}
