using CultureNet.Engine.Data;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`extract --video` and `extract --faces`: detection/cropping and features without PNGs equal `faces` then
/// `extract --manifest`.</summary>
[Collection("faces")]
public sealed class ExtractVideoTests
{
    [Fact]
    public void OnePassEqualsTheTwoStepRouteAndRerunningResumes()
    {
        using var dir = new TempDir();
        var faces = CliProcess.Run("faces", "--video", TestMedia.WebcamClip, "--out", dir.File("faces"), "--culture", "1", "--child", "4");
        Assert.True(faces.ExitCode == 0, faces.Stderr);
        var twoStep = CliProcess.Run("extract", "--manifest", Path.Combine(dir.File("faces"), "faces.csv"), "--out", dir.File("a"));
        Assert.True(twoStep.ExitCode == 0, twoStep.Stderr);
        var onePass = CliProcess.Run("extract", "--video", TestMedia.WebcamClip, "--culture", "C1", "--child", "4", "--out", dir.File("b"), "--keep-crops", dir.File("crops"));
        Assert.True(onePass.ExitCode == 0, onePass.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.File("faces"), "faces.csv")), File.ReadAllText(Path.Combine(dir.File("crops"), "faces.csv")));

        using (var a = FeatureStore.Open(dir.File("a")))
        using (var b = FeatureStore.Open(dir.File("b")))
        {
            Assert.Equal(a.RowCount, b.RowCount);
            Assert.Equal(a.Frames.ToArray(), b.Frames.ToArray());
            Assert.Equal(a.Children.ToArray(), b.Children.ToArray());
            Assert.Equal(b.RowCount, b.UnlabelledRows);
            var fa = a.Features(0, (int)a.RowCount);
            var fb = b.Features(0, (int)b.RowCount);
            for (int i = 0; i < fa.Length; i++) Assert.True(Math.Abs(fa[i] - fb[i]) <= 1e-4f * (1 + Math.Abs(fa[i])), $"feature {i}: {fa[i]} vs {fb[i]}");
        }
        var again = CliProcess.Run("extract", "--video", TestMedia.WebcamClip, "--culture", "C1", "--child", "4", "--out", dir.File("b"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("0 written now, 68 already extracted", again.Stdout);
    }

    [Fact]
    public void ExtractFacesEqualsTheManifestRouteAndABadRowIsOneErrorLine()
    {
        using var dir = new TempDir();
        var faces = CliProcess.Run("faces", "--video", TestMedia.WebcamClip, "--out", dir.File("faces"));
        Assert.True(faces.ExitCode == 0, faces.Stderr);
        string csv = Path.Combine(dir.File("faces"), "faces.csv");
        var manifest = CliProcess.Run("extract", "--manifest", csv, "--out", dir.File("a"));
        Assert.True(manifest.ExitCode == 0, manifest.Stderr);
        var r = CliProcess.Run("extract", "--faces", csv, "--out", dir.File("b"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("faces: 68 face(s) from 1 source(s)", r.Stderr);
        Assert.Contains("68 rows of 512 features", r.Stdout);
        using (var a = FeatureStore.Open(dir.File("a")))
        using (var b = FeatureStore.Open(dir.File("b")))
            Assert.True(a.Features(0, (int)a.RowCount).SequenceEqual(b.Features(0, (int)b.RowCount)), "extract --faces features differ from extract --manifest's");

        var lines = File.ReadAllLines(csv);
        lines[2] = lines[2].Replace(TestMedia.WebcamClip, dir.File("gone.avi"));
        File.WriteAllLines(csv, lines);
        var bad = CliProcess.Run("extract", "--faces", csv, "--out", dir.File("c"));
        Assert.Equal(1, bad.ExitCode);
        var errors = bad.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToArray();
        Assert.True(errors.Length == 1, bad.Stderr);
        Assert.StartsWith($"error: {csv} line 3: source {dir.File("gone.avi")} not found", errors[0]);
        Assert.DoesNotContain("   at ", bad.Stderr);
    }
}
