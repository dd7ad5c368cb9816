using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>
/// <c>extract --faces DIR/faces.csv</c> (<see cref="FacesCsvFile"/>, <see cref="FaceCropImages"/>): the crops cut again in
/// memory from the sources must be the pixels of the PNGs <c>faces</c> wrote, so the features must equal those of
/// <c>extract --manifest faces.csv</c> bit for bit (PNG is lossless on 8-bit RGB; any drift in the box, margin, size or
/// frame would change crop pixels and therefore features).
/// </summary>
[Collection("faces")]
public sealed class ExtractFacesTests
{
    private static ExtractionSummary Extract(ExtractionSessionOptions options)
    {
        using var session = ExtractionSession.Open(options);
        var summary = session.Extract(null, null, CancellationToken.None);
        session.Finish();
        return summary;
    }

    private static void AssertSameRows(string expectedStore, string actualStore)
    {
        using var a = FeatureStore.Open(expectedStore);
        using var b = FeatureStore.Open(actualStore);
        Assert.Equal(a.RowCount, b.RowCount);
        Assert.Equal(a.Cultures.ToArray(), b.Cultures.ToArray());
        Assert.Equal(a.Children.ToArray(), b.Children.ToArray());
        Assert.Equal(a.Frames.ToArray(), b.Frames.ToArray());
        Assert.Equal(a.Labels.ToArray().Select(BitConverter.SingleToInt32Bits), b.Labels.ToArray().Select(BitConverter.SingleToInt32Bits));
        var fa = a.Features(0, (int)a.RowCount).ToArray();
        var fb = b.Features(0, (int)b.RowCount).ToArray();
        int first = Enumerable.Range(0, fa.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(fa[i]) != BitConverter.SingleToInt32Bits(fb[i]), -1);
        Assert.True(first < 0, first < 0 ? "" : $"feature {first} (row {first / 512}): {fa[first]:R} vs {fb[first]:R}");
    }

    [Fact]
    public void WebcamFeaturesEqualTheManifestRouteBitForBitAndKeptCropsEqualTheFacesPngs()
    {
        using var dir = new TempDir();
        var faces = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = dir.File("faces"), Culture = 1, Child = 4 });
        Assert.Equal(68, faces.Faces);
        Extract(new ExtractionSessionOptions { Store = dir.File("manifest"), Manifest = faces.CsvPath });
        var summary = Extract(new ExtractionSessionOptions { Store = dir.File("faces-store"), FacesCsv = faces.CsvPath, KeepCrops = dir.File("kept") });
        Assert.Equal((68, 68, 0), (summary.Listed, summary.Written, summary.Failed.Count));
        AssertSameRows(dir.File("manifest"), dir.File("faces-store"));

        // --keep-crops: the PNGs at faces.csv's paths, byte for byte the ones `faces` wrote, and the CSV beside them.
        var pngs = Directory.GetFiles(Path.Combine(dir.File("faces"), "crops"), "*.png", SearchOption.AllDirectories);
        Assert.Equal(68, pngs.Length);
        foreach (var png in pngs)
            Assert.Equal(File.ReadAllBytes(png), File.ReadAllBytes(Path.Combine(dir.File("kept"), Path.GetRelativePath(dir.File("faces"), png))));
        Assert.Equal(File.ReadAllText(faces.CsvPath), File.ReadAllText(Path.Combine(dir.File("kept"), "faces.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(dir.File("faces"), FacesFolder.StateFileName)), File.ReadAllText(Path.Combine(dir.File("kept"), FacesFolder.StateFileName)));
        Assert.Throws<CultureNetException>(() => Extract(new ExtractionSessionOptions { Store = dir.File("x"), FacesCsv = faces.CsvPath, KeepCrops = dir.File("faces") }));

        // Rerunning resumes: every face is already in the store.
        var again = Extract(new ExtractionSessionOptions { Store = dir.File("faces-store"), FacesCsv = faces.CsvPath });
        Assert.Equal((68, 0), (again.AlreadyPresent, again.Written));
    }

    [Fact]
    public void AnInterruptedListResumesToTheSameStore()
    {
        using var dir = new TempDir();
        var faces = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = dir.File("faces") });
        Extract(new ExtractionSessionOptions { Store = dir.File("manifest"), Manifest = faces.CsvPath });
        // The first 30 faces first (the same folder's faces.state, a shorter CSV), then the whole list into the same store.
        Directory.CreateDirectory(dir.File("part"));
        File.Copy(Path.Combine(dir.File("faces"), FacesFolder.StateFileName), Path.Combine(dir.File("part"), FacesFolder.StateFileName));
        var lines = File.ReadAllLines(faces.CsvPath);
        File.WriteAllLines(Path.Combine(dir.File("part"), "faces.csv"), lines.Take(31));
        Assert.Equal(30, Extract(new ExtractionSessionOptions { Store = dir.File("store"), FacesCsv = Path.Combine(dir.File("part"), "faces.csv") }).Written);
        var rest = Extract(new ExtractionSessionOptions { Store = dir.File("store"), FacesCsv = faces.CsvPath });
        Assert.Equal((30, 38), (rest.AlreadyPresent, rest.Written));
        AssertSameRows(dir.File("manifest"), dir.File("store"));
    }

    [Fact]
    public void SampledFramesAreDecodedAtTheRateFacesStateRecords()
    {
        using var dir = new TempDir();
        var faces = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = dir.File("faces"), Fps = 5 });
        Assert.InRange(faces.Frames, 20, 25);
        Extract(new ExtractionSessionOptions { Store = dir.File("manifest"), Manifest = faces.CsvPath });
        Extract(new ExtractionSessionOptions { Store = dir.File("faces-store"), FacesCsv = faces.CsvPath });
        AssertSameRows(dir.File("manifest"), dir.File("faces-store"));

        // A contradicting --fps is refused; without the state (every frame by default) the times give the mismatch away.
        var e = Assert.Throws<CultureNetException>(() => Extract(new ExtractionSessionOptions { Store = dir.File("x"), FacesCsv = faces.CsvPath, Fps = 15 }));
        Assert.Contains("fps 5", e.Message);
        Directory.CreateDirectory(dir.File("bare"));
        string bare = Path.Combine(dir.File("bare"), "faces.csv");
        File.Copy(faces.CsvPath, bare);
        e = Assert.Throws<CultureNetException>(() => Extract(new ExtractionSessionOptions { Store = dir.File("y"), FacesCsv = bare }));
        Assert.Contains($"{bare} line 3: frame 1 of", e.Message);
        Assert.Contains("another rate", e.Message);
        Extract(new ExtractionSessionOptions { Store = dir.File("z"), FacesCsv = bare, Fps = 5 });
        AssertSameRows(dir.File("manifest"), dir.File("z"));
    }

    [Fact]
    public void ImageFacesKeepTheManifestsLabelsAndSeveralFacesPerImage()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("labelled.csv"), [
            "path,culture,child,frame,label",
            $"{TestMedia.Astronaut},1,7,0,0.5",
            $"{TestMedia.Photo("bar55.jpg")},1,7,1,-0.25",
            $"{TestMedia.Photo("sunset.jpg")},1,7,2,0",
        ]);
        var faces = FacesSession.Run(new FacesRequest { Manifest = dir.File("labelled.csv"), Out = dir.File("faces"), Faces = new FaceOptions { MaxFaces = 2 } });
        Assert.Equal(3, faces.Faces); // the astronaut, two of bar55's faces, none in the sunset
        Extract(new ExtractionSessionOptions { Store = dir.File("manifest"), Manifest = faces.CsvPath });
        Extract(new ExtractionSessionOptions { Store = dir.File("faces-store"), FacesCsv = faces.CsvPath });
        AssertSameRows(dir.File("manifest"), dir.File("faces-store"));
        using var s = FeatureStore.Open(dir.File("faces-store"));
        Assert.Equal(new[] { 0, 2, 3 }, s.Frames.ToArray());
        Assert.Equal(new[] { 0.5f, -0.25f, -0.25f }, s.Labels.ToArray());
    }

    /// <summary>A copy of the webcam faces.csv (and its faces.state) with one field of one row changed.</summary>
    private static string Edited(TempDir dir, string csv, string name, int line, int field, string value)
    {
        string folder = Directory.CreateDirectory(dir.File(name)).FullName;
        File.Copy(Path.Combine(Path.GetDirectoryName(csv)!, FacesFolder.StateFileName), Path.Combine(folder, FacesFolder.StateFileName));
        var lines = File.ReadAllLines(csv);
        var fields = lines[line - 1].Split(',');
        fields[field] = value;
        lines[line - 1] = string.Join(',', fields);
        string path = Path.Combine(folder, "faces.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void BadRowsAreOneErrorNamingTheFileLineAndField()
    {
        using var dir = new TempDir();
        var faces = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = dir.File("faces") });
        CultureNetException Fails(string csv) =>
            Assert.ThrowsAny<CultureNetException>(() => Extract(new ExtractionSessionOptions { Store = dir.File("s" + Guid.NewGuid().ToString("N")), FacesCsv = csv }));

        string missing = Edited(dir, faces.CsvPath, "missing", 3, 5, "/nonexistent/clip.avi");
        var e = Fails(missing);
        Assert.Equal($"{missing} line 3: source /nonexistent/clip.avi not found; `extract --faces` decodes the video or image again to cut the crop", e.Message);

        string beyond = Edited(dir, faces.CsvPath, "beyond", 69, 6, "500");
        e = Fails(beyond);
        Assert.Contains($"{beyond} line 69: source_frame 500 is beyond the end of {TestMedia.WebcamClip}, which gives 68 frame(s)", e.Message);

        string notNumber = Edited(dir, faces.CsvPath, "nan", 5, 12, "abc");
        Assert.Equal($"{notNumber} line 5: box field x2 'abc' is not a finite number (x1, y1, x2, y2 are the box in frame pixels)", Fails(notNumber).Message);
        string inverted = Edited(dir, faces.CsvPath, "inverted", 6, 13, "1");
        Assert.StartsWith($"{inverted} line 6: box (", Fails(inverted).Message);
        Assert.Contains("is empty or inverted", Fails(inverted).Message);
        string badFrame = Edited(dir, faces.CsvPath, "frame", 7, 6, "-1");
        Assert.Equal($"{badFrame} line 7: source_frame '-1' is not a non-negative integer", Fails(badFrame).Message);

        File.WriteAllText(dir.File("empty.csv"), FacesCsv.Header + "\n");
        Assert.Contains("lists no faces", Fails(dir.File("empty.csv")).Message);
    }
}
