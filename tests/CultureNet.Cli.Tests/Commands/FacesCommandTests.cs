using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet faces` as a user runs it: bad input is one `error:` line naming the file, exit code 1.</summary>
[Collection("faces")]
public sealed class FacesCommandTests
{
    private static void AssertOneErrorLine(CliProcess.Result r, params string[] expected)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToArray();
        Assert.True(lines.Length == 1, r.Stderr);
        foreach (var e in expected) Assert.Contains(e, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void BadVideosAreOneErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(TestMedia.InsetClip);
        int moov = System.Text.Encoding.ASCII.GetString(bytes, 0, 4096).IndexOf("moov", StringComparison.Ordinal);
        "xxxx"u8.CopyTo(bytes.AsSpan(moov));
        File.WriteAllBytes(dir.File("corrupt.mp4"), bytes);
        AssertOneErrorLine(CliProcess.Run("faces", "--video", dir.File("corrupt.mp4"), "--out", dir.File("o1")), dir.File("corrupt.mp4"), "not a readable video");

        TestMedia.RunTool("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-y", dir.File("tone.m4a"));
        AssertOneErrorLine(CliProcess.Run("faces", "--video", dir.File("tone.m4a"), "--out", dir.File("o2")), dir.File("tone.m4a"), "has no video stream");

        File.WriteAllText(dir.File("notes.txt"), "not a video\n");
        AssertOneErrorLine(CliProcess.Run("faces", "--video", dir.File("notes.txt"), "--out", dir.File("o3")), dir.File("notes.txt"), "not a readable video");
        Assert.False(File.Exists(Path.Combine(dir.File("o3"), "faces.csv")));
    }

    [Fact]
    public void MissingFfmpegNamesThePackage()
    {
        using var dir = new TempDir();
        var r = CliProcess.RunWith(i => i.Environment["PATH"] = dir.Path, "faces", "--video", TestMedia.WebcamClip, "--out", dir.File("o"));
        AssertOneErrorLine(r, "ffmpeg/ffprobe not found", "install Debian's package 'ffmpeg'");
    }

    [Fact]
    public void BadDetectorsAreRefused()
    {
        using var dir = new TempDir();
        AssertOneErrorLine(CliProcess.Run("faces", "--images", dir.Path, "--out", dir.File("o"), "--detector", "model.onnx", "--detector-format", "yolo"),
            "--detector-format 'yolo': unknown detector format");
        string backbone = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        File.Copy(TestMedia.Astronaut, dir.File("astronaut.png"));
        AssertOneErrorLine(CliProcess.Run("faces", "--images", dir.Path, "--out", dir.File("o"), "--detector", backbone, "--detector-format", "ultraface"),
            backbone, "not an UltraFace detector");
    }

    [Fact]
    public void AVideoWithoutFacesEndsWithZeroFacesAndAHeaderOnlyManifest()
    {
        using var dir = new TempDir();
        var r = CliProcess.Run("faces", "--video", TestMedia.DogClip, "--detector", "blazeface", "--out", dir.File("o"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("0 faces in 0 of 41 frames", r.Stdout);
        Assert.Contains("0 faces:", r.Stdout);
        string csv = Path.Combine(dir.File("o"), "faces.csv");
        Assert.Equal("path,culture,child,frame,label,source,source_frame,time_s,face,score,x1,y1,x2,y2\n", File.ReadAllText(csv));
    }

    [Fact]
    public void ImagesGiveCropsAndProgressAndRerunResumes()
    {
        using var dir = new TempDir();
        string images = Directory.CreateDirectory(dir.File("img")).FullName;
        foreach (var p in new[] { TestMedia.Astronaut, TestMedia.Photo("sunset.jpg"), TestMedia.Photo("bar55.jpg") })
            File.Copy(p, Path.Combine(images, Path.GetFileName(p)));
        var r = CliProcess.Run("faces", "--images", images, "--out", dir.File("o"), "--culture", "C1", "--child", "7", "--max-faces", "2", "--select", "score");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("frames/s", r.Stderr + r.Stdout);
        var rows = File.ReadAllLines(Path.Combine(dir.File("o"), "faces.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        // astronaut.png (1 face), bar55.jpg (2 of several, by score), sunset.jpg (none): frame = image number × 2 + face.
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal(("1", "7"), (row[1], row[2])));
        Assert.Equal(new[] { "0", "2", "3" }, rows.Select(x => x[3]).ToArray());
        Assert.True(float.Parse(rows[1][9]) >= float.Parse(rows[2][9]));
        var again = CliProcess.Run("faces", "--images", images, "--out", dir.File("o"), "--culture", "C1", "--child", "7", "--max-faces", "2", "--select", "score");
        Assert.Contains("3 from an earlier run", again.Stdout);
    }
}
