using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Extraction;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

[Collection("extraction")]
public sealed class ExtractCommandTests(OracleFixture fx)
{
    private static CliProcess.Result Cli(params string[] args) => CliProcess.Run(["extract", .. args]);

    [Fact]

    [Trait("Category", "Slow")]
    public void CliExtractsReportsBadImagesAndResumes()
    {
        string d = fx.NewDir();
        File.Copy(fx.Images["astronaut.png"].Path, Path.Combine(d, "a.png"));
        File.Copy(fx.Images["rocket.jpg"].Path, Path.Combine(d, "r.jpg"));
        File.Copy(Path.Combine(fx.SkimageData, "truncated.jpg"), Path.Combine(d, "t.jpg"));
        string m = OracleFixture.WriteFile(d, "m.csv", "path,culture,child,frame,label\na.png,0,1,0,0.5\nt.jpg,0,1,1,0.1\nr.jpg,1,2,0,-0.5\n");
        string store = Path.Combine(d, "store");
        var first = Cli("--manifest", m, "--out", store, "--batch", "2");
        Assert.True(first.ExitCode == 2, first.Stderr);
        Assert.Contains($"{Path.Combine(d, "t.jpg")}: truncated", first.Stderr);
        Assert.Contains("bad, skipped", first.Stdout);
        var second = Cli("--manifest", m, "--out", store, "--batch", "2");
        Assert.True(second.ExitCode == 2, second.Stderr);
        Assert.Contains("2 already in", second.Stderr);
        Assert.False(File.Exists(FeatureStoreOutput.JournalPath(store)), "the journal is removed once its rows are in the store");
        using (var fs = FeatureStore.Open(store, verifyChecksums: true))
        {
            Assert.Equal(512, fs.Dim);
            Assert.Equal(2, fs.RowCount);
            Assert.Equal(new byte[] { 0, 1 }, fs.Cultures.ToArray());
            Assert.Equal(new[] { 1, 2 }, fs.Children.ToArray());
            Assert.Equal(new[] { 0.5f, -0.5f }, fs.Labels.ToArray());
        }

        // The bad image is replaced by a good one: a rerun adds just that row to the existing store.
        File.Copy(fx.Images["chelsea.png"].Path, Path.Combine(d, "t.jpg"), overwrite: true);
        var third = Cli("--manifest", m, "--out", store, "--batch", "2");
        Assert.True(third.ExitCode == 0, third.Stderr);
        using (var fs = FeatureStore.Open(store, verifyChecksums: true))
        {
            Assert.Equal(3, fs.RowCount);
            Assert.Equal(new[] { 0, 1, 0 }, fs.Frames.ToArray()); // grouped by child, frame order
            Assert.Equal(new[] { 0.5f, 0.1f, -0.5f }, fs.Labels.ToArray());
        }

        // Other preprocessing must not be mixed into this store.
        var other = Cli("--manifest", m, "--out", store, "--size", "300");
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("other settings", other.Stderr);
    }

    [Fact]

    [Trait("Category", "Slow")]
    public void StoreRowsEqualThePipelineFeatures()
    {
        string d = fx.NewDir();
        string m = OracleFixture.WriteFile(d, "m.csv", $"path,culture,child,frame,label\n{fx.Images["coffee.png"].Path},1,4,9,0.25\n{fx.Images["camera.png"].Path},0,3,1,-0.75\n");
        string store = Path.Combine(d, "store");
        var run = Cli("--manifest", m, "--out", store, "--dtype", "float16");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var pre = new ImagePreprocessor(256, 224, 224, BuiltInBackbone.Normalization, TensorLayout.Nchw);
        var sink = new InMemoryFeatureSink(512);
        var entries = ImageManifest.Load(m).Entries;
        new FeatureExtractor(fx.Backbone, pre).Run(entries, sink);
        using var fs = FeatureStore.Open(store);
        Assert.Equal(FeatureDType.Float16, fs.DType);
        foreach (var e in entries)
        {
            long row = fs.FindRow(e.Key.Culture, e.Key.Child, e.Key.Frame);
            var stored = fs.HalfFeatures(row, 1);
            var expected = sink[e.Key];
            for (int i = 0; i < 512; i++) Assert.Equal((float)(Half)expected[i], (float)stored[i]);
            Assert.Equal(e.Label, fs.Labels[(int)row]);
        }
        string settings = File.ReadAllText(Path.Combine(store, FeatureStoreOutput.SettingsFileName));
        Assert.Contains("ResNet18.onnx", settings);
        Assert.Contains("size 256", settings);
    }

    [Fact]
    public void CliRefusesACustomModelWithoutNormalisation()
    {
        string d = fx.NewDir();
        string m = OracleFixture.WriteFile(d, "m.csv", "path,culture,child,frame,label\na.png,0,1,0,0.5\n");
        var run = Cli("--manifest", m, "--out", Path.Combine(d, "s"), "--backbone", BuiltInBackbone.PreprocessModelPath);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --backbone is a custom model", run.Stderr.Trim());
        Assert.Contains("--preset", run.Stderr);
    }
}
