using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// UltraFace (RFB-320 and its kin): the frame is resized to the model's input (320 × 240 for RFB-320, aspect not kept,
/// as upstream's demo does; box average then antialiased bilinear, <see cref="DetectorInput"/>), normalised to (x − 127)/128 in
/// NCHW RGB. Outputs: <c>scores</c> [1, N, 2] (softmax; column 1 is "face") and <c>boxes</c> [1, N, 4], already decoded
/// to x1, y1, x2, y2 as fractions of the input, so a candidate's box is those fractions times the frame's size.
/// </summary>
public sealed class UltraFaceDetector : FaceDetector
{
    private readonly int _width, _height, _anchors;

    internal UltraFaceDetector(string path, DetectorOptions options, InferenceSession session, SessionOptions so)
        : base(path, options, session, so)
    {
        var d = FixedInput(session, path, "[1, 3, height, width] (NCHW RGB)");
        if (d[1] != 3)
            throw new CultureNetException($"{path}: input has shape [{string.Join(", ", d)}]; an UltraFace detector takes [1, 3, height, width] (NCHW RGB) — is it a BlazeFace model (--detector-format blazeface)?");
        (_height, _width) = (d[2], d[3]);
        var shapes = OutputShapes(session);
        var scores = shapes.Where(s => s.Value.Length == 3 && s.Value[2] == 2).Select(s => s.Key).ToArray();
        var boxes = shapes.Where(s => s.Value.Length == 3 && s.Value[2] == 4).Select(s => s.Key).ToArray();
        if (shapes.Count != 2 || scores.Length != 1 || boxes.Length != 1 || shapes[scores[0]][1] != shapes[boxes[0]][1] || shapes[scores[0]][1] <= 0)
            throw new CultureNetException(
                $"{path}: not an UltraFace detector: expected two outputs, scores [1, N, 2] and boxes [1, N, 4]; the model has {Describe(session)}");
        (ScoresName, BoxesName, _anchors) = (scores[0], boxes[0], shapes[scores[0]][1]);
    }

    public override DetectorFormat Format => DetectorFormat.UltraFace;
    public override float DefaultThreshold => 0.95f;
    public string ScoresName { get; }
    public string BoxesName { get; }
    public int InputWidth => _width;
    public int InputHeight => _height;
    protected override long[] InputShape => [1, 3, _height, _width];

    protected override void Prepare(ReadOnlySpan<byte> rgb, int width, int height, Span<float> input)
    {
        int plane = _width * _height;
        var resized = System.Buffers.ArrayPool<byte>.Shared.Rent(plane * 3);
        try
        {
            DetectorInput.Resize(rgb, width, height, _width, _height, resized);
            for (int p = 0; p < plane; p++)
            {
                input[p] = (resized[p * 3] - 127f) / 128f;
                input[plane + p] = (resized[p * 3 + 1] - 127f) / 128f;
                input[2 * plane + p] = (resized[p * 3 + 2] - 127f) / 128f;
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(resized); }
    }

    public override List<FaceBox> Candidates(RawDetection raw, float threshold)
    {
        var scores = raw.Outputs[ScoresName];
        var boxes = raw.Outputs[BoxesName];
        if (scores.Length != _anchors * 2 || boxes.Length != _anchors * 4)
            throw new CultureNetException($"{ModelPath}: outputs have {scores.Length} scores and {boxes.Length} box values; expected {_anchors} × 2 and {_anchors} × 4");
        float w = raw.FrameWidth, h = raw.FrameHeight;
        var found = new List<FaceBox>();
        for (int i = 0; i < _anchors; i++)
        {
            float s = scores[i * 2 + 1];
            if (!(s >= threshold)) continue;
            found.Add(new FaceBox(boxes[i * 4] * w, boxes[i * 4 + 1] * h, boxes[i * 4 + 2] * w, boxes[i * 4 + 3] * h, s));
        }
        return found;
    }
}
