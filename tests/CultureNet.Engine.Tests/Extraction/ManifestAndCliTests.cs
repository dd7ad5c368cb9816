using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Extraction;

[Collection("extraction")]
public sealed class ManifestAndCliTests(OracleFixture fx)
{
    private string NewDir()
    {
        string d = Path.Combine(fx.Dir, "m-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    private string Write(string dir, string name, string text)
    {
        string p = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void ManifestRowsResolvePathsRelativeToTheManifest()
    {
        string d = NewDir();
        string m = Write(d, "m.csv", "label,frame,child,culture,path,note\n0.25,7,12,C1,\"faces/a, b.jpg\",x\n-1,8,12,0,/abs/c.png,\n");
        var list = ImageManifest.Load(m);
        Assert.Equal(2, list.Entries.Count);
        Assert.Equal(Path.Combine(d, "faces", "a, b.jpg"), list.Entries[0].Path);
        Assert.Equal(new FrameKey(1, 12, 7), list.Entries[0].Key);
        Assert.Equal(0.25f, list.Entries[0].Label);
        Assert.Equal("/abs/c.png", list.Entries[1].Path);
        Assert.Equal(new FrameKey(0, 12, 8), list.Entries[1].Key);
    }

    [Fact]
    public void EmptyOrMissingLabelsMakeUnlabelledRows()
    {
        string d = NewDir();
        var withColumn = ImageManifest.Load(Write(d, "a.csv", "path,culture,child,frame,label,score\na.jpg,0,1,2,0.5,0.99\nb.jpg,0,1,3,,0.97\n"));
        Assert.Equal(0.5f, withColumn.Entries[0].Label);
        Assert.True(withColumn.Entries[0].IsLabelled);
        Assert.True(float.IsNaN(withColumn.Entries[1].Label));
        Assert.False(withColumn.Entries[1].IsLabelled);
        var without = ImageManifest.Load(Write(d, "b.csv", "path,culture,child,frame\na.jpg,0,1,2\n"));
        Assert.True(float.IsNaN(without.Entries.Single().Label));
    }

    [Theory]
    [InlineData("path,culture,child,frame,label\na.jpg,0,1,2,high\n", "line 2", "not a number")]
    [InlineData("path,culture,child,frame,label\na.jpg,0,1,2,3.5\n", "line 2", "outside [-1, 1]")]
    [InlineData("path,culture,frame,label\na.jpg,0,2,0\n", "line 1", "no 'child' column")]
    [InlineData("path,culture,child,frame,label\na.jpg,0,1,2,0\nb.jpg,0,1,2,0\n", "line 3", "listed twice")]
    [InlineData("path,culture,child,frame,label\na.jpg,Japan,1,2,0\n", "line 2", "culture 'Japan'")]
    [InlineData("path,culture,child,frame,label\na.jpg,0,1,-2,0\n", "line 2", "frame '-2'")]
    [InlineData("path,culture,child,frame,label\na.jpg,C2,1,2,0\n", "line 2", "culture 'C2'")]
    [InlineData("path,culture,child,frame,label\na.jpg,0,1,2\n", "line 2", "4 fields")]
    [InlineData("path,culture,child,frame,label\n", "m.csv", "no rows")]
    public void BadManifestsFailNamingFileLineAndField(string csv, string where, string what)
    {
        string m = Write(NewDir(), "m.csv", csv);
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.Load(m));
        Assert.Contains(m, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void FolderSchemeGivesKeysAndLabels()
    {
        string d = NewDir();
        foreach (var f in new[] { "c0/child3/000002.jpg", "c0/child3/1.png", "C1/Child20/5.JPG", "c0/child3/notes.txt", "readme.md" })
            Write(d, Path.Combine("img", f), "x");
        string labels = Write(d, "labels.csv", "culture,child,frame,label\n0,3,1,0.1\n0,3,2,0.2\n1,20,5,-0.5\n");
        var list = ImageManifest.FromDirectory(Path.Combine(d, "img"), labels);
        Assert.Equal(new[] { new FrameKey(0, 3, 1), new FrameKey(0, 3, 2), new FrameKey(1, 20, 5) }, list.Entries.Select(e => e.Key));
        Assert.Equal(new[] { 0.1f, 0.2f, -0.5f }, list.Entries.Select(e => e.Label));
        Assert.Equal(2, list.Ignored.Count);

        string partial = Write(d, "partial.csv", "culture,child,frame,label\n0,3,1,0.1\n");
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.FromDirectory(Path.Combine(d, "img"), partial));
        Assert.Contains("no label for 2 image(s)", e.Message);
    }

    [Fact]
    public void DecoderErrorsNameTheFile()
    {
        string d = NewDir();
        string text = Write(d, "frame.png", "hello");
        Assert.Contains($"{text}: not an image", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(text)).Message);
        string gif = Path.Combine(d, "anim.jpg");
        File.Copy(Path.Combine(fx.SkimageData, "no_time_for_that_tiny.gif"), gif);
        Assert.Contains("a GIF image", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(gif)).Message);
        // A real JPEG cut in half: an error, not an image with grey/zero rows at the bottom.
        byte[] rocket = File.ReadAllBytes(fx.Images["rocket.jpg"].Path);
        string half = Path.Combine(d, "half.jpg");
        File.WriteAllBytes(half, rocket[..(rocket.Length / 2)]);
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(half));
        Assert.Equal(half, e.Path);
        Assert.Contains("truncated", e.Message);
        // A PNG whose compressed data is damaged.
        byte[] png = File.ReadAllBytes(fx.Images["chelsea.png"].Path);
        for (int i = png.Length / 2; i < png.Length / 2 + 64; i++) png[i] ^= 0x5A;
        string damaged = Path.Combine(d, "damaged.png");
        File.WriteAllBytes(damaged, png);
        Assert.StartsWith(damaged, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(damaged)).Message);
        var cmyk = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Path.Combine(fx.Dir, "cmyk.jpg")));
        Assert.Contains("CMYK", cmyk.Message);
    }

    private static CliProcess.Result Cli(params string[] args) => CliProcess.Run(["extract", .. args]);

    [Fact]
    public void CliExtractsReportsBadImagesAndResumes()
    {
        string d = NewDir();
        File.Copy(fx.Images["astronaut.png"].Path, Path.Combine(d, "a.png"));
        File.Copy(fx.Images["rocket.jpg"].Path, Path.Combine(d, "r.jpg"));
        File.Copy(Path.Combine(fx.SkimageData, "truncated.jpg"), Path.Combine(d, "t.jpg"));
        string m = Write(d, "m.csv", "path,culture,child,frame,label\na.png,0,1,0,0.5\nt.jpg,0,1,1,0.1\nr.jpg,1,2,0,-0.5\n");
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
    public void StoreRowsEqualThePipelineFeatures()
    {
        string d = NewDir();
        string m = Write(d, "m.csv", $"path,culture,child,frame,label\n{fx.Images["coffee.png"].Path},1,4,9,0.25\n{fx.Images["camera.png"].Path},0,3,1,-0.75\n");
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
        string d = NewDir();
        string m = Write(d, "m.csv", "path,culture,child,frame,label\na.png,0,1,0,0.5\n");
        var run = Cli("--manifest", m, "--out", Path.Combine(d, "s"), "--backbone", BuiltInBackbone.PreprocessModelPath);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --backbone is a custom model", run.Stderr.Trim());
        Assert.Contains("--preset", run.Stderr);
    }
}
