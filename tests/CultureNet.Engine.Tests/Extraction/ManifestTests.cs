using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Tests.Extraction;

[Collection("extraction")]
public sealed class ManifestTests(OracleFixture fx)
{
    [Fact]
    public void ManifestRowsResolvePathsRelativeToTheManifest()
    {
        string d = fx.NewDir();
        string m = OracleFixture.WriteFile(d, "m.csv", "label,frame,child,culture,path,note\n0.25,7,12,C1,\"faces/a, b.jpg\",x\n-1,8,12,0,/abs/c.png,\n");
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
        string d = fx.NewDir();
        var withColumn = ImageManifest.Load(OracleFixture.WriteFile(d, "a.csv", "path,culture,child,frame,label,score\na.jpg,0,1,2,0.5,0.99\nb.jpg,0,1,3,,0.97\n"));
        Assert.Equal(0.5f, withColumn.Entries[0].Label);
        Assert.True(withColumn.Entries[0].IsLabelled);
        Assert.True(float.IsNaN(withColumn.Entries[1].Label));
        Assert.False(withColumn.Entries[1].IsLabelled);
        var without = ImageManifest.Load(OracleFixture.WriteFile(d, "b.csv", "path,culture,child,frame\na.jpg,0,1,2\n"));
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
        string m = OracleFixture.WriteFile(fx.NewDir(), "m.csv", csv);
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.Load(m));
        Assert.Contains(m, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void FolderSchemeGivesKeysAndLabels()
    {
        string d = fx.NewDir();
        foreach (var f in new[] { "c0/child3/000002.jpg", "c0/child3/1.png", "C1/Child20/5.JPG", "c0/child3/notes.txt", "readme.md" })
            OracleFixture.WriteFile(d, Path.Combine("img", f), "x");
        string labels = OracleFixture.WriteFile(d, "labels.csv", "culture,child,frame,label\n0,3,1,0.1\n0,3,2,0.2\n1,20,5,-0.5\n");
        var list = ImageManifest.FromDirectory(Path.Combine(d, "img"), labels);
        Assert.Equal(new[] { new FrameKey(0, 3, 1), new FrameKey(0, 3, 2), new FrameKey(1, 20, 5) }, list.Entries.Select(e => e.Key));
        Assert.Equal(new[] { 0.1f, 0.2f, -0.5f }, list.Entries.Select(e => e.Label));
        Assert.Equal(2, list.Ignored.Count);

        string partial = OracleFixture.WriteFile(d, "partial.csv", "culture,child,frame,label\n0,3,1,0.1\n");
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.FromDirectory(Path.Combine(d, "img"), partial));
        Assert.Contains("no label for 2 image(s)", e.Message);
    }

    [Fact]
    public void DecoderErrorsNameTheFile()
    {
        string d = fx.NewDir();
        string text = OracleFixture.WriteFile(d, "frame.png", "hello");
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
}
