using CultureNet.Engine.Extraction.Video;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>Bad video input fails with one clear message naming the file, before or while frames are read.</summary>
[Collection("faces")]
public sealed class VideoErrorTests
{
    private static string Damaged(TempDir dir, string name, Action<byte[]> damage)
    {
        var bytes = File.ReadAllBytes(TestMedia.InsetClip);
        damage(bytes);
        string path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static CultureNetException ReadAll(string path) => Assert.Throws<CultureNetException>(() =>
    {
        foreach (var f in new VideoFrameReader(VideoInfo.Probe(path)).Frames()) f.Dispose();
    });

    [Fact]
    public void ADamagedIndexIsNotAReadableVideo()
    {
        using var dir = new TempDir();
        string path = Damaged(dir, "nomoov.mp4", b =>
        {
            int i = System.Text.Encoding.ASCII.GetString(b, 0, 4096).IndexOf("moov", StringComparison.Ordinal);
            Assert.True(i > 0);
            "xxxx"u8.CopyTo(b.AsSpan(i));
        });
        var e = ReadAll(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("not a readable video", e.Message);
    }

    [Fact]
    public void ATruncatedVideoFailsInsteadOfEndingEarly()
    {
        using var dir = new TempDir();
        string path = dir.File("truncated.mp4");
        File.WriteAllBytes(path, File.ReadAllBytes(TestMedia.InsetClip)[..(1 << 20)]);
        var e = ReadAll(path);
        Assert.Contains(path, e.Message);
        Assert.Contains("ffmpeg could not decode", e.Message);
    }

    [Fact]
    public void AFileWithNoVideoStreamSaysSo()
    {
        using var dir = new TempDir();
        string path = dir.File("tone.m4a");
        TestMedia.RunTool("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-y", path);
        var e = Assert.Throws<CultureNetException>(() => VideoInfo.Probe(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("has no video stream", e.Message);
        Assert.Contains("audio aac", e.Message);
    }

    [Theory]
    [InlineData("notes.mp4", "hello, this is text\n")]
    [InlineData("empty.avi", "")]
    public void ANonVideoFileIsRefused(string name, string content)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        File.WriteAllText(path, content);
        var e = Assert.Throws<CultureNetException>(() => VideoInfo.Probe(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<CultureNetException>(() => VideoInfo.Probe("/nonexistent/clip.mp4"));
        Assert.Contains("/nonexistent/clip.mp4: video file not found", e.Message);
    }
}
