using System.CommandLine;
using CultureNet.Engine;
using CultureNet.Engine.Extraction.Faces;

namespace CultureNet.Cli.Commands;

/// <summary>The face-finding options of <c>faces</c>, <c>extract --video</c> and <c>engagement</c>, declared once.</summary>
public sealed class FaceOptionSet
{
    public readonly Option<string?> Detector = new("--detector") { Description = "face detector: ultraface (built-in default, UltraFace RFB-320), blazeface (built-in, MediaPipe front 128), blazeface-back (built-in, 256), or FILE.onnx with --detector-format" };
    public readonly Option<string?> DetectorFormat = new("--detector-format") { Description = "how to read a --detector FILE.onnx: ultraface or blazeface" };
    public readonly Option<float?> Threshold = new("--threshold") { Description = "minimum face score, on the detector's own scale — not the paper's Faster R-CNN's (default 0.95 for ultraface, 0.75 for blazeface)" };
    public readonly Option<float> NmsIou = new("--nms-iou") { Description = "non-max suppression: drop a box overlapping a stronger one by more than this IoU", DefaultValueFactory = _ => 0.3f };
    public readonly Option<int> MinFace = new("--min-face") { Description = "ignore faces whose longer side is below this many pixels", DefaultValueFactory = _ => 0 };
    public readonly Option<int> MaxFaces = new("--max-faces") { Description = "faces kept per frame (1: the child in front of the camera)", DefaultValueFactory = _ => 1 };
    public readonly Option<string> Select = new("--select") { Description = "which faces to keep when there are more: largest or score", DefaultValueFactory = _ => "largest" };
    public readonly Option<double> Margin = new("--margin") { Description = "crop side = max(box width, height) × margin, centred on the box", DefaultValueFactory = _ => 1.25 };
    public readonly Option<int> Size = new("--size") { Description = "crop size in pixels (square)", DefaultValueFactory = _ => 256 };
    public readonly Option<int> Workers = new("--workers") { Description = "frames detected at once (0 = one per core)", DefaultValueFactory = _ => 0 };

    public IEnumerable<Option> All => [Detector, DetectorFormat, Threshold, NmsIou, MinFace, MaxFaces, Select, Margin, Size, Workers];

    /// <summary>All but --size, for commands whose --size already means something (extract: the backbone's resize, which
    /// then is also the crop size).</summary>
    public IEnumerable<Option> AllButSize => All.Where(o => o != Size);

    /// <summary>The options, with the crop size taken from <paramref name="cropSize"/> instead of --size.</summary>
    public FaceOptions Read(ParseResult r, int cropSize) => Read(r) with { Size = cropSize };

    public FaceOptions Read(ParseResult r) => new()
    {
        Detector = r.GetValue(Detector), DetectorFormat = r.GetValue(DetectorFormat), Threshold = r.GetValue(Threshold),
        NmsIou = r.GetValue(NmsIou), MinFace = r.GetValue(MinFace), MaxFaces = r.GetValue(MaxFaces),
        Select = FaceSelection.ParseRanking(r.GetValue(Select)!), Margin = r.GetValue(Margin), Size = r.GetValue(Size),
        Workers = r.GetValue(Workers),
    };

    /// <summary>"0", "1", "C0", "c1" → the culture code.</summary>
    public static int ParseCulture(string text) =>
        (text.StartsWith('C') || text.StartsWith('c') ? text[1..] : text) switch
        {
            "0" => 0,
            "1" => 1,
            _ => throw new CultureNetException($"--culture '{text}': expected 0 or C0 (Japan), 1 or C1 (Serbia)"),
        };
}
