using CultureNet.Engine.Extraction;
using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>The whole pipeline on real photographs against direct ONNX Runtime calls, bad-image handling, resume.</summary>
[Collection("extraction")]
public sealed class PipelineTests(OracleFixture fx)
{
    private List<ManifestEntry> Entries(params string[] names)
    {
        var list = new List<ManifestEntry>();
        int frame = 0;
        foreach (var name in names)
        {
            string path = fx.Images.TryGetValue(name, out var info) ? info.Path
                : File.Exists(Path.Combine(fx.SkimageData, name)) ? Path.Combine(fx.SkimageData, name)
                : Path.Combine(fx.Dir, name);
            list.Add(new ManifestEntry(path, new FrameKey(frame % 2, 1 + frame / 4, frame), (frame % 5) / 5f, $"test row {frame}"));
            frame++;
        }
        return list;
    }

    private ImagePreprocessor BuiltInPre(bool upscale = false) =>
        new(256, 224, 224, BuiltInBackbone.Normalization, TensorLayout.Nchw, upscale);

    /// <summary>The shipped model file run as is (batch fixed at 1), one image per call: the reference.</summary>
    private static float[] DirectOrt(InferenceSession session, float[] tensor)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, 224, 224]);
        using var ro = new RunOptions();
        using var results = session.Run(ro, [BuiltInBackbone.InputName], [input], [BuiltInBackbone.OutputName]);
        Assert.Equal(new long[] { 1, 512, 1, 1 }, results[0].GetTensorTypeAndShape().Shape);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void PipelineFeaturesEqualDirectOnnxRuntimeOnTheSamePreprocessedTensor()
    {
        Assert.True(fx.Backbone.BatchRelaxed, "the built-in model's batch of 1 should have been relaxed");
        Assert.Equal(512, fx.Backbone.FeatureWidth);
        var entries = Entries("astronaut.png", "camera.png", "truncated.jpg", "chelsea.png", "rocket.jpg", "grey.jpg", "coffee.png");
        var pre = BuiltInPre();
        var sink = new InMemoryFeatureSink(512);
        // Batch 3: batches [astronaut, camera, (truncated)], [chelsea, rocket, grey], [coffee] — one compacted, one partial.
        var summary = new FeatureExtractor(fx.Backbone, pre, new ExtractionOptions { BatchSize = 3 }).Run(entries, sink);
        Assert.Equal(6, summary.Written);
        Assert.Single(summary.Failed);
        Assert.Equal(2, summary.GreyConverted);

        using var direct = new InferenceSession(BuiltInBackbone.ModelPath);
        var previous = new List<float[]>();
        foreach (var e in entries.Where(e => !e.Path.EndsWith("truncated.jpg")))
        {
            var tensor = new float[pre.SampleLength];
            pre.Preprocess(ImageDecoder.Decode(e.Path), tensor, e.Path);
            float[] expected = DirectOrt(direct, tensor);
            float[] got = sink[e.Key];
            double maxAbs = expected.Max(Math.Abs);
            for (int i = 0; i < 512; i++)
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-5 * (1 + maxAbs), $"{e.Path} feature {i}: pipeline {got[i]}, direct {expected[i]}");
            Assert.True(maxAbs > 0.1, $"{e.Path}: features are (nearly) all zero");
            Assert.True(got.All(v => v >= 0), "pooled ReLU features are non-negative");
            foreach (var other in previous) Assert.NotEqual(other, got);
            previous.Add(got);
            Assert.Equal(e.Label, sink.Rows.Single(r => r.Key == e.Key).Label);
        }
        // Rows arrive in manifest order.
        Assert.Equal(entries.Where(e => !e.Path.EndsWith("truncated.jpg")).Select(e => e.Key), sink.Rows.Select(r => r.Key));
    }

    [Fact]
    public void FeaturesFromPilPreprocessingAgreeWithThePipeline()
    {
        // End to end against the independent preprocessing: PIL's crop, normalised by the textbook formula, run directly.
        using var direct = new InferenceSession(BuiltInBackbone.ModelPath);
        var mean = fx.PythonMeanImage();
        var entries = Entries("coffee.png", "rocket.jpg");
        var sink = new InMemoryFeatureSink(512);
        new FeatureExtractor(fx.Backbone, BuiltInPre(), new ExtractionOptions { BatchSize = 2 }).Run(entries, sink);
        foreach (var (e, name) in entries.Zip(new[] { "coffee.png", "rocket.jpg" }))
        {
            byte[] pil = fx.PilCrop(name, 256);
            var t = new float[3 * 224 * 224];
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 224 * 224; i++)
                    t[c * 224 * 224 + i] = pil[i * 3 + (2 - c)] - mean[c * 224 * 224 + i];
            float[] reference = DirectOrt(direct, t);
            float[] got = sink[e.Key];
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < 512; i++) { dot += got[i] * reference[i]; na += got[i] * got[i]; nb += reference[i] * reference[i]; }
            double cosine = dot / Math.Sqrt(na * nb);
            Assert.True(cosine > 0.9999, $"{name}: cosine {cosine} between pipeline features and PIL-preprocessed features");
        }
    }

    [Fact]
    public void BadImagesAreReportedNamedAndSkippedNeverZeroFilled()
    {
        string notImage = Path.Combine(fx.Dir, "notes.jpg");
        File.WriteAllText(notImage, "frame 12 was blurred\n");
        string empty = Path.Combine(fx.Dir, "empty.png");
        File.WriteAllBytes(empty, []);
        var entries = Entries("astronaut.png", "truncated.jpg", "notes.jpg", "missing-frame.png", "cmyk.jpg", "small.png", "empty.png", "rocket.jpg");
        var sink = new InMemoryFeatureSink(512);
        var reported = new List<ExtractionIssue>();
        var summary = new FeatureExtractor(fx.Backbone, BuiltInPre(), new ExtractionOptions { BatchSize = 4 })
            .Run(entries, sink, onIssue: reported.Add);

        Assert.Equal(2, summary.Written);
        Assert.Equal(6, summary.Failed.Count);
        Assert.Equal(summary.Failed, reported);
        Assert.Equal(new[] { entries[0].Key, entries[7].Key }, sink.Rows.Select(r => r.Key));
        string Why(string file) => summary.Failed.Single(f => f.Path.EndsWith(file)).Message;
        Assert.Contains("truncated", Why("truncated.jpg"));
        Assert.Contains("not an image", Why("notes.jpg"));
        Assert.Contains("not found", Why("missing-frame.png"));
        Assert.Contains("CMYK", Why("cmyk.jpg"));
        Assert.Contains("150×100", Why("small.png"));
        Assert.Contains("224×224", Why("small.png"));
        Assert.Contains("empty", Why("empty.png"));
    }

    [Fact]
    public void SmallImagesAreEnlargedWhenAllowedAndCounted()
    {
        var entries = Entries("small.png", "astronaut.png");
        var sink = new InMemoryFeatureSink(512);
        var summary = new FeatureExtractor(fx.Backbone, BuiltInPre(upscale: true)).Run(entries, sink);
        Assert.Equal(2, summary.Written);
        Assert.Equal(1, summary.Upscaled);
        Assert.Empty(summary.Failed);
    }

    [Fact]
    public void RerunSkipsRowsAlreadyInTheJournalAndRepairsATornTail()
    {
        string journalPath = Path.Combine(fx.Dir, $"resume-{Guid.NewGuid():N}.journal");
        var entries = Entries("astronaut.png", "chelsea.png", "rocket.jpg", "coffee.png");
        var extractor = new FeatureExtractor(fx.Backbone, BuiltInPre(), new ExtractionOptions { BatchSize = 2 });
        float[] first;
        using (var j = ExtractionJournal.OpenOrCreate(journalPath, 512, "settings A"))
        {
            var s = extractor.Run(entries.Take(2).ToList(), j);
            Assert.Equal(2, s.Written);
        }
        // A crash mid-record leaves a torn tail.
        using (var f = new FileStream(journalPath, FileMode.Append)) f.Write(new byte[100]);
        using (var j = ExtractionJournal.OpenOrCreate(journalPath, 512, "settings A"))
        {
            Assert.True(j.RepairedTornTail);
            Assert.Equal(2, j.Resumed);
            first = j.ReadAll().First().Features;
            var s = extractor.Run(entries, j);
            Assert.Equal(2, s.AlreadyPresent);
            Assert.Equal(2, s.Written);
            var rows = j.ReadAll().ToList();
            Assert.Equal(entries.Select(e => e.Key), rows.Select(r => r.Key));
            Assert.Equal(entries.Select(e => e.Label), rows.Select(r => r.Label));
        }
        // The same rows come back after reopening; other settings are refused.
        using (var j = ExtractionJournal.OpenOrCreate(journalPath, 512, "settings A"))
        {
            Assert.Equal(4, j.Resumed);
            Assert.False(j.RepairedTornTail);
            Assert.Equal(first, j.ReadAll().First().Features);
            Assert.Equal(0, extractor.Run(entries, j).Written);
        }
        var e2 = Assert.Throws<CultureNetException>(() => ExtractionJournal.OpenOrCreate(journalPath, 512, "settings B"));
        Assert.Contains(journalPath, e2.Message);
        Assert.Contains("other settings", e2.Message);
    }

    [Fact]
    public void AModelWhoseOutputIsNotAVectorIsRefusedNamingTheFile()
    {
        // ML.NET's preprocessing model outputs an image ([1, 3, 224, 224]), not a feature vector.
        var e = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(BuiltInBackbone.PreprocessModelPath));
        Assert.Contains(BuiltInBackbone.PreprocessModelPath, e.Message);
        Assert.Contains("not a vector", e.Message);
        Assert.Contains("[1, 3, 224, 224]", e.Message);
    }

    [Fact]
    public void OtherModelProblemsAreClearErrors()
    {
        var missing = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(Path.Combine(fx.Dir, "nope.onnx")));
        Assert.Contains("nope.onnx", missing.Message);
        string junk = Path.Combine(fx.Dir, "junk.onnx");
        File.WriteAllText(junk, "not a model");
        var bad = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(junk));
        Assert.Contains("junk.onnx", bad.Message);
        var wrongOutput = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(BuiltInBackbone.ModelPath, new BackboneOptions { OutputName = "fc1000" }));
        Assert.Contains("Pooling395_Output_0", wrongOutput.Message);
    }

    [Fact]
    public void GpuRequestFailsClearlyWithoutACudaProvider()
    {
        if (OnnxBackbone.AvailableProviders().Contains("CUDAExecutionProvider")) return; // GPU build: covered by running it
        var e = Assert.Throws<CultureNetException>(() => OnnxBackbone.Load(BuiltInBackbone.ModelPath, new BackboneOptions { UseGpu = true }));
        Assert.Contains("CUDA", e.Message);
    }

    [Fact]
    public void BatchRelaxingKeepsWeightsAndOnlyTouchesTheBatchDimension()
    {
        byte[] original = File.ReadAllBytes(BuiltInBackbone.ModelPath);
        byte[] patched = OnnxBatchPatcher.RelaxBatchDimension(original)!;
        Assert.NotNull(patched);
        Assert.InRange(patched.Length, original.Length - 64 * 1024, original.Length + 1024);
        using var s = new InferenceSession(patched);
        Assert.Equal(new[] { -1, 3, 224, 224 }, s.InputMetadata[BuiltInBackbone.InputName].Dimensions);
        Assert.Equal(new[] { -1, 512, 1, 1 }, s.OutputMetadata[BuiltInBackbone.OutputName].Dimensions);
        Assert.Null(OnnxBatchPatcher.RelaxBatchDimension(patched)); // nothing left to relax
    }
}
