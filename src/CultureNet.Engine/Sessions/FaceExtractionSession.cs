using System.Diagnostics;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;

namespace CultureNet.Engine.Sessions;

/// <summary>What a video's face extraction did.</summary>
public sealed record FaceExtractionSummary(int Frames, int FramesWithFaces, int Faces, int AlreadyPresent, int Written, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Frames / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// <c>extract --video</c>: detection, cropping and feature extraction in one pass (<see cref="FaceFeaturePipeline"/>)
/// into the feature sink (the store's journal), PNG crops only with <c>--keep-crops DIR</c>. Faces whose key the sink
/// already holds (an interrupted run) skip the backbone; the frames are scanned again to find them.
/// </summary>
public static class FaceExtractionSession
{
    public static FaceExtractionSummary Run(FrameSource source, FaceScanner scanner, OnnxBackbone backbone, ImagePreprocessor preprocessor,
        IFeatureSink sink, string? keepCrops, int batch, IProgress<FaceScanProgress>? progress = null, CancellationToken cancel = default)
    {
        if (keepCrops is not null && File.Exists(Path.Combine(keepCrops, FacesFolder.StateFileName)))
            throw new CultureNetException($"{keepCrops}: holds the crops of an earlier run; choose another --keep-crops folder");
        if (scanner.Settings.CropSize != preprocessor.ResizeShorterSide)
            throw new CultureNetException($"crop size {scanner.Settings.CropSize} differs from --size {preprocessor.ResizeShorterSide}");
        using var crops = keepCrops is null ? null : FacesFolder.Open(keepCrops, $"extract {FaceOptions.Describe(scanner)}, {source.FpsSetting}, {source.Identity}");
        var pipeline = new FaceFeaturePipeline(scanner, backbone, preprocessor, batch);
        var clock = Stopwatch.StartNew();
        int frames = 0, withFaces = 0, faces = 0, present = 0, written = 0, maxFaces = scanner.Settings.Selection.MaxFaces;
        FrameKey Key(ScannedFrame f, int face) => new(f.Job.Culture, f.Job.Child, f.KeyFrame(face, maxFaces));
        void OnFrame(ScannedFrame f)
        {
            frames++;
            faces += f.Faces.Count;
            if (f.Faces.Count > 0) withFaces++;
            present += f.Faces.Count(face => sink.Contains(Key(f, face.Index)));
            crops?.Add(f, maxFaces);
            progress?.Report(new FaceScanProgress(frames, Math.Max(source.EstimatedFrames, frames), faces, clock.Elapsed));
        }
        foreach (var chunk in pipeline.Run(source.Jobs(0, cancel), OnFrame, cancel, (f, face) => !sink.Contains(Key(f, face.Index))))
            foreach (var feature in chunk)
            {
                sink.Write(Key(feature.Frame, feature.Face.Index), feature.Frame.Job.Label, feature.Features);
                written++;
            }
        crops?.Finish();
        return new FaceExtractionSummary(frames, withFaces, faces, present, written, clock.Elapsed);
    }
}
