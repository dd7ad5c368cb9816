using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>`faces` (FacesSession) on real videos with the default detector and settings.</summary>
[Collection("faces")]
public sealed class RealMediaScanTests
{
    private static List<string[]> Rows(string csv) =>
        File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();

    [Fact]
    public void TheWebcamClipGivesOneFacePerFrameAndAManifestExtractReads()
    {
        using var dir = new TempDir();
        var o = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = dir.Path });
        Assert.Equal(68, o.Frames);
        var rows = Rows(o.CsvPath);
        // Exactly one face (the default --max-faces 1) in at least 90% of the frames.
        var perFrame = rows.GroupBy(r => r[6]).ToDictionary(g => int.Parse(g.Key), g => g.Count());
        Assert.True(perFrame.Count(p => p.Value == 1) >= 0.9 * 68, $"{perFrame.Count} frames with a face");
        Assert.Equal(o.Faces, rows.Count);
        // Exactly one face, not merely at most one: allowed to keep three per frame, the detector still finds one in ≥ 90%.
        using (var wide = new TempDir())
        {
            var three = FacesSession.Run(new FacesRequest { Video = TestMedia.WebcamClip, Out = wide.Path, Faces = new FaceOptions { MaxFaces = 3 } });
            var counts = Rows(three.CsvPath).GroupBy(r => r[6]).Select(g => g.Count()).ToList();
            Assert.True(counts.Count(c => c == 1) >= 0.9 * 68, $"{counts.Count(c => c == 1)} frames with exactly one face of {counts.Count} with any");
        }

        // extract --manifest reads faces.csv as it is: unlabelled rows, crops relative to the CSV.
        var manifest = ImageManifest.Load(o.CsvPath);
        Assert.Equal(rows.Count, manifest.Entries.Count);
        Assert.All(manifest.Entries, e => Assert.False(e.IsLabelled));
        Assert.All(manifest.Entries, e => Assert.True(File.Exists(e.Path), e.Path));
        var crop = ImageDecoder.Decode(manifest.Entries[0].Path);
        Assert.Equal((256, 256), (crop.Width, crop.Height));
        // Frame numbers are the video's, times its presentation times (15 frames/s).
        Assert.Equal("0", rows[0][3]);
        Assert.Equal(int.Parse(rows[10][6]) / 15.0, double.Parse(rows[10][7], System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    /// <summary>The inset webcam picture of the screen recording (its border, in frame pixels), and the face in it at
    /// 4.0 s marked by hand on that frame (hairline to chin, cheek to cheek).</summary>
    private static readonly FaceBox InsetPicture = new(115, 83, 367, 272, 1), InsetFaceAt4s = new(200, 133, 267, 223, 1);

    [Fact]
    public void TheInsetClipsSmallFaceIsFound()
    {
        using var dir = new TempDir();
        var o = FacesSession.Run(new FacesRequest { Video = TestMedia.InsetClip, Out = dir.Path, Fps = 6 });
        var rows = Rows(o.CsvPath);
        // The face is in 223 of 249 frames; sampled at 6 frames/s most samples must have it.
        Assert.True(o.FramesWithFaces >= 0.8 * o.Frames, $"{o.FramesWithFaces} of {o.Frames} sampled frames");
        var boxes = rows.Select(r => (Time: double.Parse(r[7], System.Globalization.CultureInfo.InvariantCulture),
            Box: new FaceBox(float.Parse(r[10]), float.Parse(r[11]), float.Parse(r[12]), float.Parse(r[13]), 1))).ToList();
        // Every face found is the small one inside the inset (≈ 80 px in a 1280 × 720 frame), none elsewhere on screen...
        Assert.All(boxes, b => Assert.True(b.Box.X1 >= InsetPicture.X1 && b.Box.Y1 >= InsetPicture.Y1 && b.Box.X2 <= InsetPicture.X2 && b.Box.Y2 <= InsetPicture.Y2,
            $"face at {b.Time} s: {b.Box} is outside the inset {InsetPicture}"));
        Assert.All(boxes, b => Assert.InRange(b.Box.Side, 40f, 130f));
        // ...and where the face is: the frame at 4.0 s against the box marked by hand.
        var at4 = Assert.Single(boxes, b => Math.Abs(b.Time - 4.0) < 1e-3);
        Assert.True(at4.Box.IoU(InsetFaceAt4s) >= 0.5f, $"IoU {at4.Box.IoU(InsetFaceAt4s):F2}: {at4.Box} vs {InsetFaceAt4s}");
    }

    [Fact]
    public void TheDogClipPassesTheDefaultDetectorButNotBlazeFace()
    {
        // Measured and documented in docs/faces.md: UltraFace scores the white dog above 0.95 in most frames;
        // BlazeFace at its default threshold finds nothing — the advice for footage with animals.
        using var ultra = new TempDir();
        var o = FacesSession.Run(new FacesRequest { Video = TestMedia.DogClip, Out = ultra.Path });
        Assert.Equal(41, o.Frames);
        Assert.True(o.FramesWithFaces > 20, $"{o.FramesWithFaces} frames");
        using var blaze = new TempDir();
        var b = FacesSession.Run(new FacesRequest { Video = TestMedia.DogClip, Out = blaze.Path, Faces = new FaceOptions { Detector = "blazeface" } });
        Assert.Equal(0, b.Faces);
        Assert.Equal(FacesCsv.Header, File.ReadAllText(b.CsvPath).TrimEnd('\n'));
    }

    [Fact]
    public void AnInterruptedScanResumesToTheSameManifest()
    {
        using var whole = new TempDir();
        var request = new FacesRequest { Video = TestMedia.WebcamClip, Out = whole.Path, Faces = new FaceOptions { Workers = 2 } };
        FacesSession.Run(request);
        using var parts = new TempDir();
        var cut = request with { Out = parts.Path };
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new Reporter(p => { if (p.Done >= 30) cancel.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => FacesSession.Run(cut, progress, null, cancel.Token));
        }
        Assert.False(File.Exists(Path.Combine(parts.Path, FacesCsv.FileName)));
        var resumed = FacesSession.Run(cut);
        Assert.True(resumed.ResumedFrames >= 30 - 8 && resumed.ResumedFrames <= 68, $"{resumed.ResumedFrames} resumed");
        Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, FacesCsv.FileName)).Replace(whole.Path, ""),
            File.ReadAllText(Path.Combine(parts.Path, FacesCsv.FileName)).Replace(parts.Path, ""));
        // Finished: a third run does nothing; other settings are refused.
        Assert.Equal(68, FacesSession.Run(cut).ResumedFrames);
        var e = Assert.Throws<CultureNetException>(() => FacesSession.Run(cut with { Faces = new FaceOptions { Margin = 1.5 } }));
        Assert.Contains("other settings", e.Message);
    }

    private sealed class Reporter(Action<FaceScanProgress> report) : IProgress<FaceScanProgress>
    {
        public void Report(FaceScanProgress value) => report(value);
    }
}
