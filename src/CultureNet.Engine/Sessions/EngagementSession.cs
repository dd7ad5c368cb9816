using CultureNet.Engine.Cohort;
using System.Diagnostics;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet engagement</c> estimates.</summary>
public sealed record EngagementRequest
{
    public required string Video { get; init; }

    /// <summary>A CultureNet model folder (RESULTS/models) trained on the built-in backbone's 512-D features.</summary>
    public required string Model { get; init; }
    public required int Culture { get; init; }
    public int? Child { get; init; }
    public required string Out { get; init; }
    public double? Fps { get; init; }
    public FaceOptions Faces { get; init; } = new();

    /// <summary>Also write the crops and faces.csv (<see cref="FacesFolder"/>) under <see cref="Out"/>.</summary>
    public bool KeepCrops { get; init; }
    public int Batch { get; init; } = 16;
    public int Window { get; init; } = 15;
}

/// <summary>What an engagement run wrote.</summary>
public sealed record EngagementOutcome(
    string Csv, string Plot, string Source, string Detector, string Layer, int Frames, int FramesWithFaces, int Estimates,
    int FeatureWidth, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Frames / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// <c>culturenet engagement</c>: video → faces (the default detector) → 512-D features (the built-in ResNet-18) →
/// CultureNet (the child's last layer when it has one, else the culture's, else the joint model) → engagement.csv and
/// engagement.png in the output folder; one estimate per face found (one per frame with a face, by default).
/// </summary>
public static class EngagementSession
{
    public const string CsvName = "engagement.csv", PlotName = "engagement.png";

    public static EngagementOutcome Run(EngagementRequest request, IProgress<FaceScanProgress>? progress = null, CancellationToken cancel = default)
    {
        if (!CultureCodes.IsKnown(request.Culture)) throw new CultureNetException($"--culture {request.Culture}: expected 0 (C0) or 1 (C1)");
        if (File.Exists(request.Out)) throw new CultureNetException($"{request.Out}: --out names a file; it should be a folder (it will hold {CsvName} and {PlotName})");
        using var model = CultureNetModel.Load(request.Model);
        var (backbone, preprocessor) = FaceFeaturePipeline.BuiltIn();
        using var backboneOwner = backbone;
        if (model.InputDim != backbone.FeatureWidth)
            throw new CultureNetException(
                $"{request.Model}: the model takes {model.InputDim}-D features, the built-in backbone ({Path.GetFileName(backbone.ModelPath)}) gives {backbone.FeatureWidth}-D; train the model on features from `culturenet extract` with the built-in backbone");
        string layer = model.LayerFor((byte)request.Culture, request.Child);

        var source = FrameSource.FromVideo(request.Video, request.Fps, request.Culture, request.Child ?? 0);
        var (scanner, detector) = request.Faces.CreateScanner();
        using var detectorOwner = scanner.Detector;
        var pipeline = new FaceFeaturePipeline(scanner, backbone, preprocessor, request.Batch);
        Directory.CreateDirectory(request.Out);
        if (request.KeepCrops && File.Exists(Path.Combine(request.Out, FacesFolder.StateFileName)))
            throw new CultureNetException($"{request.Out}: holds the crops of an earlier run; choose another --out for --keep-crops");
        using var crops = request.KeepCrops ? FacesFolder.Open(request.Out, $"engagement {FaceOptions.Describe(scanner)}, {source.FpsSetting}, {source.Identity}") : null;

        var clock = Stopwatch.StartNew();
        var rows = new List<EngagementRow>();
        int frames = 0, withFaces = 0, faces = 0;
        void OnFrame(ScannedFrame frame)
        {
            frames++;
            if (frame.Faces.Count > 0) withFaces++;
            faces += frame.Faces.Count;
            crops?.Add(frame, scanner.Settings.Selection.MaxFaces);
            progress?.Report(new FaceScanProgress(frames, Math.Max(source.EstimatedFrames, frames), faces, clock.Elapsed));
        }
        foreach (var batch in pipeline.Run(source.Jobs(0, cancel), OnFrame, cancel))
        {
            var x = new Matrix(batch.SelectMany(f => f.Features).ToArray(), batch.Count, backbone.FeatureWidth);
            var y = model.Predict(x, (byte)request.Culture, request.Child);
            for (int i = 0; i < batch.Count; i++)
                rows.Add(new EngagementRow(request.Culture, request.Child, batch[i].KeyFrame, batch[i].Frame.TimeSeconds, y[i]));
        }
        crops?.Finish();

        string csv = Path.Combine(request.Out, CsvName), plot = Path.Combine(request.Out, PlotName);
        EngagementTable.Write(csv, rows);
        if (rows.Count > 0)
            EngagementTable.Plot(plot, rows, request.Window, $"engagement: {Path.GetFileName(request.Video)} ({layer} layer)");
        else if (File.Exists(plot)) File.Delete(plot);
        return new EngagementOutcome(csv, plot, source.Description, detector, layer, frames, withFaces, rows.Count, backbone.FeatureWidth, clock.Elapsed);
    }
}
