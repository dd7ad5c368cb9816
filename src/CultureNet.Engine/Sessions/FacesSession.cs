using System.Diagnostics;
using System.Globalization;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet faces</c> scans and how.</summary>
public sealed record FacesRequest
{
    public string? Video { get; init; }
    public string? Images { get; init; }
    public string? Manifest { get; init; }
    public required string Out { get; init; }
    public FaceOptions Faces { get; init; } = new();

    /// <summary>Frames per second to sample from a video; null: every frame.</summary>
    public double? Fps { get; init; }

    /// <summary>Culture and child of every face of a video or image folder (a manifest carries its own).</summary>
    public int Culture { get; init; }
    public int Child { get; init; }

    public FrameSource OpenSource()
    {
        int given = (Video is null ? 0 : 1) + (Images is null ? 0 : 1) + (Manifest is null ? 0 : 1);
        if (given != 1) throw new CultureNetException("give exactly one of --video V, --images DIR or --manifest M.csv");
        if (Culture is < 0 or > ImageManifest.MaxCulture) throw new CultureNetException($"--culture {Culture}: expected 0 (C0, Japan) or 1 (C1, Serbia)");
        if (Child < 0) throw new CultureNetException($"--child {Child}: expected a non-negative child id");
        if (Fps is not null && Video is null) throw new CultureNetException("--fps samples a --video; images are read one frame each");
        return Video is not null ? FrameSource.FromVideo(Video, Fps, Culture, Child)
            : Images is not null ? FrameSource.FromImageFolder(Images, Culture, Child)
            : FrameSource.FromManifest(Manifest!);
    }
}

/// <summary>Progress of a face scan: frames scanned by this run out of the expected total, faces found so far.</summary>
public readonly record struct FaceScanProgress(long Done, long Total, long Faces, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;
    public TimeSpan? Remaining => FramesPerSecond > 0 && Total > Done ? TimeSpan.FromSeconds((Total - Done) / FramesPerSecond) : null;
}

/// <summary>A frame that could not be read (an image that does not decode), and why.</summary>
public sealed record FrameIssue(string Source, string Message);

/// <summary>What a face scan did.</summary>
public sealed record FacesOutcome(
    string CsvPath, string Source, string Detector, float Threshold, int Frames, int FramesWithFaces, int Faces,
    int ResumedFrames, IReadOnlyList<FrameIssue> Failed, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? (Frames - ResumedFrames) / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// <c>culturenet faces</c>: frames (video through ffmpeg, or images) → face detection → selection → crops, into a
/// resumable output folder of PNG crops and faces.csv (<see cref="FacesFolder"/>, <see cref="FacesCsv"/>).
/// </summary>
public static class FacesSession
{
    public static FacesOutcome Run(FacesRequest request, IProgress<FaceScanProgress>? progress = null,
        Action<FrameIssue>? onIssue = null, CancellationToken cancel = default)
    {
        var (scanner, detectorDescription) = request.Faces.CreateScanner();
        using var detector = scanner.Detector;
        var source = request.OpenSource();
        string settings = $"{FaceOptions.Describe(scanner)}, {source.FpsSetting}, culture {request.Culture}, child {request.Child}, {source.Identity}";
        using var folder = FacesFolder.Open(request.Out, settings);
        var clock = Stopwatch.StartNew();
        var failed = new List<FrameIssue>();
        int scanned = 0;
        if (!folder.Complete)
        {
            int maxFaces = scanner.Settings.Selection.MaxFaces;
            long total = Math.Max(source.EstimatedFrames - folder.ResumedFrames, 0);
            foreach (var frame in scanner.Scan(source.Jobs(folder.ResumedFrames, cancel), cancel))
            {
                if (frame.Error is { } error)
                {
                    var issue = new FrameIssue(frame.Job.Source, error);
                    failed.Add(issue);
                    onIssue?.Invoke(issue);
                }
                folder.Add(frame, maxFaces);
                scanned++;
                progress?.Report(new FaceScanProgress(scanned, Math.Max(total, scanned), folder.Faces, clock.Elapsed));
            }
            folder.Finish();
        }
        return new FacesOutcome(folder.CsvPath, source.Description, detectorDescription, scanner.Settings.Threshold,
            folder.Frames, folder.FramesWithFaces, folder.Faces, folder.ResumedFrames, failed, clock.Elapsed);
    }
}
