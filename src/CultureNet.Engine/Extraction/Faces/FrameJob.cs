using CultureNet.Engine.Extraction.Video;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// One frame to scan for faces: a decoded video frame, or an image file decoded by the scanner's workers. Its identity
/// for the feature store is (<see cref="Culture"/>, <see cref="Child"/>, <see cref="Frame"/>); each face found gets frame
/// number <c>Frame × max-faces + face</c> (= <see cref="Frame"/> with the default one face per frame).
/// </summary>
public sealed class FrameJob
{
    /// <summary>The video or image file the frame comes from.</summary>
    public required string Source { get; init; }

    /// <summary>Position in the source: the video frame's index among those delivered; 0 for an image.</summary>
    public required int SourceFrame { get; init; }

    public int Culture { get; init; }
    public int Child { get; init; }
    public required int Frame { get; init; }

    /// <summary>Engagement label, NaN when unlabelled.</summary>
    public float Label { get; init; } = float.NaN;

    /// <summary>A decoded frame (the job owns it and disposes it once scanned), or null to decode <see cref="Source"/>.</summary>
    public VideoFrame? Decoded { get; init; }

    public double? TimeSeconds => Decoded?.TimeSeconds;
}

/// <summary>A face found in a frame: its rank in the frame (0 = first kept), box and crop (size × size × 3 RGB).</summary>
public sealed record FoundFace(int Index, FaceBox Box, byte[] Crop);

/// <summary>The result for one frame: its faces (possibly none), or why it could not be read.</summary>
public sealed record ScannedFrame(FrameJob Job, double? TimeSeconds, int Width, int Height, IReadOnlyList<FoundFace> Faces, string? Error)
{
    /// <summary>The store frame number of the face ranked <paramref name="face"/> (see <see cref="FrameJob"/>).</summary>
    public int KeyFrame(int face, int maxFaces) => checked(Job.Frame * maxFaces + face);
}
