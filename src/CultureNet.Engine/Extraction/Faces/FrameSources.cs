using CultureNet.Engine.Extraction.Video;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>The frames a face scan reads: a video's, a flat folder of images, or an image manifest's.</summary>
public sealed class FrameSource
{
    private readonly Func<int, CancellationToken, IEnumerable<FrameJob>> _jobs;

    private FrameSource(string description, long estimatedFrames, string identity, Func<int, CancellationToken, IEnumerable<FrameJob>> jobs,
        double? sampleFps = null)
    {
        SampleFps = sampleFps;
        Description = description;
        EstimatedFrames = estimatedFrames;
        Identity = identity;
        _jobs = jobs;
    }

    public string Description { get; }

    /// <summary>A video's <c>--fps</c> (null: every frame, and for images).</summary>
    public double? SampleFps { get; }

    /// <summary>How a faces.state records the sampling (<c>fps 6</c>, <c>fps all</c>): <c>extract --faces</c> reads it back
    /// to decode the same frames, since faces.csv's <c>source_frame</c> counts the frames delivered after sampling.</summary>
    public string FpsSetting => FpsSettingOf(SampleFps);

    public static string FpsSettingOf(double? sampleFps) =>
        "fps " + (sampleFps is { } f ? f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "all");

    /// <summary>Frames expected (a video's is estimated from its duration and rate).</summary>
    public long EstimatedFrames { get; }

    /// <summary>What identifies the input (files and sizes), recorded with the settings so a resumed run reads the same.</summary>
    public string Identity { get; }

    /// <summary>The frames in scan order, the first <paramref name="skip"/> left out (resume; skipped video frames are
    /// still decoded — ffmpeg cannot seek to an exact frame — but not scanned).</summary>
    public IEnumerable<FrameJob> Jobs(int skip = 0, CancellationToken cancel = default) => _jobs(skip, cancel);

    public static FrameSource FromVideo(string path, double? sampleFps, int culture, int child)
    {
        var info = VideoInfo.Probe(path);
        var reader = new VideoFrameReader(info, sampleFps);
        long estimate = sampleFps is { } f ? (long)Math.Ceiling(info.Duration.TotalSeconds * f) : info.EstimatedFrames;
        IEnumerable<FrameJob> Jobs(int skip, CancellationToken cancel)
        {
            foreach (var frame in reader.Frames(cancel))
            {
                if (frame.Index < skip) { frame.Dispose(); continue; }
                yield return new FrameJob { Source = path, SourceFrame = frame.Index, Culture = culture, Child = child, Frame = frame.Index, Decoded = frame };
            }
        }
        return new FrameSource(info.ToString(), estimate, $"video {Path.GetFullPath(path)} ({new FileInfo(path).Length} bytes)", Jobs, sampleFps);
    }

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    /// <summary>Every .jpg/.jpeg/.png directly in <paramref name="dir"/>, numbered 0, 1, … by ordinal file-name order.</summary>
    public static FrameSource FromImageFolder(string dir, int culture, int child)
    {
        if (!Directory.Exists(dir)) throw new CultureNetException($"{dir}: --images folder not found");
        var files = Directory.EnumerateFiles(dir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new CultureNetException($"{dir}: no .jpg, .jpeg or .png images in the folder");
        IEnumerable<FrameJob> Jobs(int skip, CancellationToken cancel) => files.Skip(skip).Select((f, i) =>
            new FrameJob { Source = f, SourceFrame = 0, Culture = culture, Child = child, Frame = skip + i });
        long bytes = files.Sum(f => new FileInfo(f).Length);
        return new FrameSource($"{files.Length} images in {dir}", files.Length, $"images {Path.GetFullPath(dir)} ({files.Length} files, {bytes} bytes)", Jobs);
    }

    /// <summary>The images of a manifest (<see cref="ImageManifest"/>), with its keys and labels.</summary>
    public static FrameSource FromManifest(string manifestPath)
    {
        var entries = ImageManifest.Load(manifestPath).Entries;
        IEnumerable<FrameJob> Jobs(int skip, CancellationToken cancel) => entries.Skip(skip).Select(e =>
            new FrameJob { Source = e.Path, SourceFrame = 0, Culture = e.Key.Culture, Child = e.Key.Child, Frame = e.Key.Frame, Label = e.Label });
        return new FrameSource($"{entries.Count} images listed in {manifestPath}", entries.Count,
            $"manifest {Path.GetFullPath(manifestPath)} ({new FileInfo(manifestPath).Length} bytes)", Jobs);
    }
}
