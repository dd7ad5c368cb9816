using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;

namespace CultureNet.Engine.Extraction.Video;

/// <summary>
/// What ffprobe says about a video's first video stream. <see cref="Width"/> × <see cref="Height"/> is the size of the
/// frames ffmpeg delivers: the coded size, turned by the stream's rotation metadata as ffmpeg's autorotation does.
/// </summary>
public sealed record VideoInfo(string Path, string Codec, int Width, int Height, double FramesPerSecond, TimeSpan Duration)
{
    /// <summary>Frames the container's duration and average rate imply (an estimate: the decoder may deliver a few fewer).</summary>
    public long EstimatedFrames => FramesPerSecond > 0 && Duration > TimeSpan.Zero ? (long)Math.Round(Duration.TotalSeconds * FramesPerSecond) : 0;

    /// <summary>Probes <paramref name="path"/>; every failure is a <see cref="CultureNetException"/> naming the file.</summary>
    public static VideoInfo Probe(string path)
    {
        if (Directory.Exists(path)) throw new CultureNetException($"{path}: is a folder; expected a video file");
        if (!File.Exists(path)) throw new CultureNetException($"{path}: video file not found");
        if (new FileInfo(path).Length == 0) throw new CultureNetException($"{path}: the file is empty; expected a video");
        var options = FfmpegTools.Options;
        IMediaAnalysis analysis;
        try { analysis = FFProbe.Analyse(path, options); }
        catch (FFProbeProcessException e)
        {
            throw new CultureNetException($"{path}: not a readable video: ffprobe says: {LastLine(e.StandardError, path)}", e);
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new CultureNetException($"{path}: not a readable video: {e.Message}", e);
        }
        var video = analysis.PrimaryVideoStream;
        if (video is null)
        {
            var streams = analysis.AudioStreams.Select(s => $"audio {s.CodecName}").Concat(analysis.SubtitleStreams.Select(s => $"subtitle {s.CodecName}")).ToArray();
            throw new CultureNetException($"{path}: has no video stream ({(streams.Length == 0 ? "no streams at all" : "streams: " + string.Join(", ", streams))}); expected a video");
        }
        if (video.Width is not > 0 || video.Height is not > 0)
            throw new CultureNetException($"{path}: the video stream ({video.CodecName}) has no frame size; the file is corrupt or not a video");
        bool quarterTurn = Math.Abs(video.Rotation) % 180 == 90;
        int w = quarterTurn ? video.Height.Value : video.Width.Value, h = quarterTurn ? video.Width.Value : video.Height.Value;
        double fps = video.AverageFrameRate > 0 && double.IsFinite(video.AverageFrameRate) ? video.AverageFrameRate : video.RealFrameRate;
        var duration = video.Duration > TimeSpan.Zero ? video.Duration : analysis.Duration;
        return new VideoInfo(path, video.CodecName ?? "unknown codec", w, h, double.IsFinite(fps) ? fps : 0, duration);
    }

    /// <summary>The last line of ffmpeg/ffprobe's stderr that says something (its own error), without the file name prefix.</summary>
    internal static string LastLine(IReadOnlyList<string> stderr, string path)
    {
        var line = stderr.LastOrDefault(l => l.Trim().Length > 0 && !l.Contains("showinfo", StringComparison.Ordinal)
            && !l.StartsWith("Conversion failed", StringComparison.Ordinal) && !l.TrimStart().StartsWith("frame=", StringComparison.Ordinal))?.Trim() ?? "no message";
        string prefix = path + ": ";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{System.IO.Path.GetFileName(Path)}: {Codec} {Width}×{Height}, {FramesPerSecond:0.##} frames/s, {Duration.TotalSeconds:0.##} s");
}
