using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// MediaPipe BlazeFace (front 128 × 128, back 256 × 256): the frame is letterboxed into the square input (scaled so its
/// longer side fits, centred, black bars; <see cref="DetectorInput"/>) and normalised to x/127.5 − 1
/// in NHWC RGB. The model gives, per anchor, a logit and 16 regressors (box centre offset x, y, width, height, then six
/// key points) in input pixels. Anchors as MediaPipe's: 16 × 16 cells with 2 anchors each, then 8 × 8 cells with 6,
/// centred at ((column + ½)/cells, (row + ½)/cells) of the input; outputs may come as one 896-anchor pair or as the two
/// layers separately (512 then 384, as in the Barracuda exports). Score = sigmoid(logit), logits clipped to ±100.
/// </summary>
public sealed class BlazeFaceDetector : FaceDetector
{
    private static readonly (int Cells, int PerCell)[] Layers = [(16, 2), (8, 6)];
    public const int AnchorCount = 16 * 16 * 2 + 8 * 8 * 6;

    private readonly int _size;
    private readonly string[] _scoreNames, _regressorNames;
    private readonly float[] _anchorX = new float[AnchorCount], _anchorY = new float[AnchorCount];

    internal BlazeFaceDetector(string path, DetectorOptions options, InferenceSession session, SessionOptions so)
        : base(path, options, session, so)
    {
        var d = FixedInput(session, path, "[1, size, size, 3] (NHWC RGB)");
        if (d[3] != 3 || d[1] != d[2])
            throw new CultureNetException($"{path}: input has shape [{string.Join(", ", d)}]; a BlazeFace detector takes a square NHWC image [1, size, size, 3] — is it an UltraFace model (--detector-format ultraface)?");
        _size = d[1];
        var shapes = OutputShapes(session);
        string[] Pick(int last) => shapes.Where(s => s.Value.Length == 3 && s.Value[2] == last).OrderByDescending(s => s.Value[1]).Select(s => s.Key).ToArray();
        _scoreNames = Pick(1);
        _regressorNames = Pick(16);
        var scoreCounts = _scoreNames.Select(n => shapes[n][1]).ToArray();
        var regressorCounts = _regressorNames.Select(n => shapes[n][1]).ToArray();
        bool layout = scoreCounts.SequenceEqual(regressorCounts)
            && (scoreCounts.SequenceEqual([AnchorCount]) || scoreCounts.SequenceEqual([512, 384]))
            && shapes.Count == _scoreNames.Length + _regressorNames.Length;
        if (!layout)
            throw new CultureNetException(
                $"{path}: not a BlazeFace detector: expected logits [1, 896, 1] and regressors [1, 896, 16] (or the two layers [1, 512, ·] and [1, 384, ·]); the model has {Describe(session)}");
        int a = 0;
        foreach (var (cells, perCell) in Layers)
            for (int row = 0; row < cells; row++)
                for (int col = 0; col < cells; col++)
                    for (int k = 0; k < perCell; k++, a++)
                    {
                        _anchorX[a] = (col + 0.5f) / cells;
                        _anchorY[a] = (row + 0.5f) / cells;
                    }
    }

    public override DetectorFormat Format => DetectorFormat.BlazeFace;

    /// <summary>BlazeFace's scores top out around 0.9 on clear faces, so the UltraFace-style 0.95 would reject most.</summary>
    public override float DefaultThreshold => 0.75f;
    public int InputSize => _size;
    protected override long[] InputShape => [1, _size, _size, 3];

    /// <summary>Scale and padding of the letterbox for a width × height frame.</summary>
    public (double Scale, int PadX, int PadY, int Width, int Height) Letterbox(int width, int height)
    {
        double scale = (double)_size / Math.Max(width, height);
        int w = Math.Clamp((int)Math.Round(width * scale, MidpointRounding.AwayFromZero), 1, _size);
        int h = Math.Clamp((int)Math.Round(height * scale, MidpointRounding.AwayFromZero), 1, _size);
        return (scale, (_size - w) / 2, (_size - h) / 2, w, h);
    }

    protected override void Prepare(ReadOnlySpan<byte> rgb, int width, int height, Span<float> input)
    {
        var (_, padX, padY, w, h) = Letterbox(width, height);
        var resized = System.Buffers.ArrayPool<byte>.Shared.Rent(w * h * 3);
        try
        {
            DetectorInput.Resize(rgb, width, height, w, h, resized);
            input.Fill(-1f);
            for (int y = 0; y < h; y++)
            {
                int dst = ((y + padY) * _size + padX) * 3, src = y * w * 3;
                for (int i = 0; i < w * 3; i++) input[dst + i] = resized[src + i] / 127.5f - 1f;
            }
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(resized); }
    }

    public override List<FaceBox> Candidates(RawDetection raw, float threshold)
    {
        var logits = _scoreNames.SelectMany(n => raw.Outputs[n]).ToArray();
        var regressors = _regressorNames.SelectMany(n => raw.Outputs[n]).ToArray();
        if (logits.Length != AnchorCount || regressors.Length != AnchorCount * 16)
            throw new CultureNetException($"{ModelPath}: outputs have {logits.Length} logits and {regressors.Length} regressors; expected {AnchorCount} and {AnchorCount} × 16");
        var (scale, padX, padY, _, _) = Letterbox(raw.FrameWidth, raw.FrameHeight);
        var found = new List<FaceBox>();
        for (int a = 0; a < AnchorCount; a++)
        {
            float score = 1f / (1f + MathF.Exp(-Math.Clamp(logits[a], -100f, 100f)));
            if (!(score >= threshold)) continue;
            var r = regressors.AsSpan(a * 16, 4);
            // Centre and size in input pixels, then undo the letterbox.
            double cx = _anchorX[a] * _size + r[0], cy = _anchorY[a] * _size + r[1], bw = r[2], bh = r[3];
            found.Add(new FaceBox(
                (float)((cx - bw / 2 - padX) / scale), (float)((cy - bh / 2 - padY) / scale),
                (float)((cx + bw / 2 - padX) / scale), (float)((cy + bh / 2 - padY) / scale), score));
        }
        return found;
    }
}
