using System.Globalization;
using System.Text;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// <c>faces.csv</c>, the list of face crops <c>culturenet faces</c> writes, readable as it is by
/// <c>culturenet extract --manifest</c> (<see cref="ImageManifest"/>: path, culture, child, frame, label; the other
/// columns are ignored there). One row per face:
/// <list type="bullet">
/// <item><c>path</c>: the crop PNG, relative to the CSV's folder (<c>crops/c{culture}/child{child}/{frame}.png</c>);</item>
/// <item><c>culture</c>, <c>child</c>, <c>frame</c>: the row's key in a feature store; <c>frame</c> is
///   <c>source_frame × max-faces + face</c> for a video, the image's number for images (× max-faces + face);</item>
/// <item><c>label</c>: empty (unlabelled) unless the input manifest had one;</item>
/// <item><c>source</c>, <c>source_frame</c>, <c>time_s</c>: the video or image and the frame's index and time in it (time
///   empty for images);</item>
/// <item><c>face</c>: rank within the frame (0 first); <c>score</c>: the detector's, on its own scale;
///   <c>x1, y1, x2, y2</c>: the box in frame pixels, written to round-trip (<see cref="FacesCsvFile"/> crops again from it).</item>
/// </list>
/// </summary>
public static class FacesCsv
{
    public const string FileName = "faces.csv";
    public const string CropsFolder = "crops";

    public const string Header = "path,culture,child,frame,label,source,source_frame,time_s,face,score,x1,y1,x2,y2";

    /// <summary>The crop's path relative to the CSV's folder.</summary>
    public static string CropPath(int culture, int child, int frame) =>
        string.Create(CultureInfo.InvariantCulture, $"{CropsFolder}/c{culture}/child{child}/{frame:D6}.png");

    public static string Row(string cropPath, int culture, int child, int frame, float label, string source, int sourceFrame,
        double? time, int face, FaceBox box)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder(160);
        sb.Append(Quote(cropPath)).Append(',').Append(culture.ToString(inv)).Append(',').Append(child.ToString(inv)).Append(',')
            .Append(frame.ToString(inv)).Append(',').Append(float.IsNaN(label) ? "" : label.ToString("R", inv)).Append(',')
            .Append(Quote(source)).Append(',').Append(sourceFrame.ToString(inv)).Append(',')
            .Append(time is { } t ? t.ToString("0.######", inv) : "").Append(',').Append(face.ToString(inv)).Append(',')
            .Append(box.Score.ToString("0.######", inv)).Append(',')
            // Round-trip precision: `extract --faces` cuts the crop again from these numbers, and a box rounded to
            // hundredths moves the sampling grid enough to change crop pixels.
            .Append(box.X1.ToString("R", inv)).Append(',').Append(box.Y1.ToString("R", inv)).Append(',')
            .Append(box.X2.ToString("R", inv)).Append(',').Append(box.Y2.ToString("R", inv));
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
