using System.Globalization;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>The face-finding options shared by <c>faces</c>, <c>extract --video</c> and <c>engagement</c>.</summary>
public sealed record FaceOptions
{
    /// <summary>A built-in detector name (<see cref="BuiltInDetectors"/>; null: ultraface) or an ONNX file.</summary>
    public string? Detector { get; init; }

    /// <summary>ultraface or blazeface; required with a detector file.</summary>
    public string? DetectorFormat { get; init; }

    /// <summary>Minimum score on the detector's own scale; null: the detector's default (ultraface 0.95, blazeface 0.75).</summary>
    public float? Threshold { get; init; }
    public float NmsIou { get; init; } = 0.3f;
    public int MinFace { get; init; }
    public int MaxFaces { get; init; } = 1;
    public FaceRanking Select { get; init; } = FaceRanking.Largest;
    public double Margin { get; init; } = 1.25;
    public int Size { get; init; } = 256;
    public int Workers { get; init; }

    /// <summary>Loads the detector and builds the scanner; the caller disposes <see cref="FaceScanner.Detector"/>.</summary>
    public (FaceScanner Scanner, string Description) CreateScanner()
    {
        if (!(NmsIou > 0 && NmsIou <= 1)) throw new CultureNetException($"--nms-iou {NmsIou}: expected an overlap in (0, 1]");
        var (path, format, description) = BuiltInDetectors.Resolve(Detector, DetectorFormat);
        var detector = FaceDetector.Load(path, format, new DetectorOptions { NmsIou = NmsIou });
        try
        {
            var settings = new FaceScanSettings
            {
                Threshold = Threshold ?? detector.DefaultThreshold,
                Selection = new FaceSelection(MaxFaces, Select, MinFace),
                Margin = Margin, CropSize = Size, Workers = Workers,
            };
            settings.Validate();
            return (new FaceScanner(detector, settings), description);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    /// <summary>Everything that changes which faces are found and how they are cut (recorded to refuse mixing on resume).</summary>
    public static string Describe(FaceScanner scanner)
    {
        var s = scanner.Settings;
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(scanner.Detector.ModelPath)));
        return string.Create(CultureInfo.InvariantCulture,
            $"detector {Path.GetFileName(scanner.Detector.ModelPath)} sha256 {sha[..16]} {scanner.Detector.Format.Name()}, threshold {s.Threshold:R}, nms {scanner.Detector.Options.NmsIou:R}, min-face {s.Selection.MinFace}, max-faces {s.Selection.MaxFaces}, select {s.Selection.Ranking.ToString().ToLowerInvariant()}, margin {s.Margin:R}, size {s.CropSize}");
    }
}
