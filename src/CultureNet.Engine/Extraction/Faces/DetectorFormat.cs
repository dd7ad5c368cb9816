namespace CultureNet.Engine.Extraction.Faces;

/// <summary>How a face detector's ONNX outputs are read (<c>--detector-format</c>).</summary>
public enum DetectorFormat
{
    /// <summary>UltraFace (Ultra-Light-Fast-Generic-Face-Detector): NCHW RGB input, (x − 127)/128; outputs softmax
    /// <c>scores</c> [1, N, 2] and <c>boxes</c> [1, N, 4] already decoded to normalised x1, y1, x2, y2.</summary>
    UltraFace,
    /// <summary>MediaPipe BlazeFace: NHWC RGB square input in [−1, 1]; per-anchor logits [1, k, 1] and regressors
    /// [1, k, 16] for 896 anchors (16 × 16 cells × 2, then 8 × 8 cells × 6).</summary>
    BlazeFace,
}

public static class DetectorFormats
{
    public static DetectorFormat Parse(string text) => text.ToLowerInvariant() switch
    {
        "ultraface" => DetectorFormat.UltraFace,
        "blazeface" => DetectorFormat.BlazeFace,
        _ => throw new CultureNetException($"--detector-format '{text}': unknown detector format; expected ultraface or blazeface"),
    };

    public static string Name(this DetectorFormat format) => format == DetectorFormat.UltraFace ? "ultraface" : "blazeface";
}
