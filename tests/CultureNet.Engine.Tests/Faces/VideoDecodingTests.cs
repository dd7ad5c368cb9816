using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using CultureNet.Engine.Extraction.Video;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>Frames through FFMpegCore against ffmpeg's own command-line output for the same files.</summary>
[Collection("faces")]
public sealed class VideoDecodingTests
{
    /// <summary>SHA-256 of each frame of `ffmpeg -i V [-vf fps=N] -fps_mode passthrough -f rawvideo -pix_fmt rgb24 -`,
    /// streamed (a 1080p clip is 6 MB a frame).</summary>
    private static List<string> FfmpegFrameHashes(string video, int frameBytes, string? filter = null)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-i", video }) info.ArgumentList.Add(a);
        if (filter is not null) { info.ArgumentList.Add("-vf"); info.ArgumentList.Add(filter); }
        foreach (var a in new[] { "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-" }) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg is missing: apt-get install ffmpeg");
        var err = p.StandardError.ReadToEndAsync();
        var hashes = new List<string>();
        var buffer = new byte[frameBytes];
        var stdout = p.StandardOutput.BaseStream;
        while (true)
        {
            int got = 0;
            while (got < frameBytes)
            {
                int n = stdout.Read(buffer, got, frameBytes - got);
                if (n == 0) break;
                got += n;
            }
            if (got == 0) break;
            Assert.Equal(frameBytes, got);
            hashes.Add(Convert.ToHexString(SHA256.HashData(buffer)));
        }
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err.Result);
        return hashes;
    }

    private static List<string> ReaderFrameHashes(VideoFrameReader reader, List<double?>? times = null)
    {
        var hashes = new List<string>();
        foreach (var frame in reader.Frames())
        {
            using (frame)
            {
                Assert.Equal(hashes.Count, frame.Index);
                hashes.Add(Convert.ToHexString(SHA256.HashData(frame.Rgb)));
                times?.Add(frame.TimeSeconds);
            }
        }
        return hashes;
    }

    [Fact]
    public void WebcamFramesEqualFfmpegsRawOutputByteForByteWithFfprobesTimes()
    {
        var info = VideoInfo.Probe(TestMedia.WebcamClip);
        Assert.Equal((160, 120), (info.Width, info.Height));
        var times = new List<double?>();
        var ours = ReaderFrameHashes(new VideoFrameReader(info), times);
        var theirs = FfmpegFrameHashes(TestMedia.WebcamClip, 160 * 120 * 3);
        Assert.Equal(68, theirs.Count);
        Assert.Equal(theirs, ours);

        // Presentation times from ffprobe's own frame listing.
        var probe = System.Text.Encoding.UTF8.GetString(TestMedia.RunTool("ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "frame=pts_time", "-of", "csv=p=0", TestMedia.WebcamClip));
        var expected = probe.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => double.Parse(l.Trim().TrimEnd(','), CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Length, times.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], times[i]!.Value, 5);
    }

    [Fact]
    public void FullHdFramesArePassedThroughNotDuplicated()
    {
        // ffmpeg's default constant-rate raw output turns this clip's 41 frames into 46; every decoded frame must come once.
        var info = VideoInfo.Probe(TestMedia.DogClip);
        Assert.Equal((1920, 1080), (info.Width, info.Height));
        var ours = ReaderFrameHashes(new VideoFrameReader(info));
        var theirs = FfmpegFrameHashes(TestMedia.DogClip, 1920 * 1080 * 3);
        Assert.Equal(41, theirs.Count);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void FpsSamplingMatchesFfmpegsFpsFilter()
    {
        var info = VideoInfo.Probe(TestMedia.WebcamClip);
        var times = new List<double?>();
        var ours = ReaderFrameHashes(new VideoFrameReader(info, sampleFps: 5), times);
        var theirs = FfmpegFrameHashes(TestMedia.WebcamClip, 160 * 120 * 3, "fps=5");
        Assert.Equal(theirs, ours);
        Assert.InRange(ours.Count, 22, 24); // 4.53 s at 5 frames/s
        for (int i = 0; i < times.Count; i++) Assert.Equal(i / 5.0, times[i]!.Value, 5);
    }

    [Fact]
    public void StoppingEarlyStopsFfmpegAndReturnsTheBuffers()
    {
        var reader = new VideoFrameReader(VideoInfo.Probe(TestMedia.InsetClip));
        int n = 0;
        foreach (var frame in reader.Frames())
        {
            frame.Dispose();
            if (++n == 3) break;
        }
        Assert.Equal(3, n);
        // Enumerating again starts a fresh ffmpeg: the first run was stopped, not left running to its end.
        Assert.Equal(5, reader.Frames().Take(5).Select(f => { f.Dispose(); return f.Index; }).Count());
    }
}
