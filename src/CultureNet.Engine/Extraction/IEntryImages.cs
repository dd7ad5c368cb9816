namespace CultureNet.Engine.Extraction;

/// <summary>
/// Where a manifest's pixels come from when they are not image files to decode: <c>extract --faces</c> cuts each crop
/// again from the video frame or image that faces.csv names (<see cref="Faces.FaceCropImages"/>). The
/// <see cref="FeatureExtractor"/> calls it on its decode thread, one batch at a time and batches in manifest order, so an
/// implementation may read its sources sequentially (a video only forwards).
/// </summary>
public interface IEntryImages
{
    /// <summary>For each <paramref name="chunk"/>[i]: the image in <paramref name="images"/>[i], or null and the reason
    /// in <paramref name="errors"/>[i] (the entry is then reported and skipped, as an undecodable image file is). An
    /// error that makes the whole run wrong (a frame beyond the end of its video) is thrown instead.</summary>
    void Load(ManifestEntry[] chunk, DecodedImage?[] images, string?[] errors, CancellationToken cancel);
}
