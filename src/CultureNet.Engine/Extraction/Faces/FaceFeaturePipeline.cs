namespace CultureNet.Engine.Extraction.Faces;

/// <summary>One face's backbone features, with the frame it came from and its store frame number.</summary>
public sealed record FaceFeature(ScannedFrame Frame, FoundFace Face, int KeyFrame, float[] Features);

/// <summary>
/// Frames → faces → backbone features in one pass, no PNGs in between: the scanner's workers detect and crop while
/// this thread preprocesses the crops of a batch in parallel and runs the backbone on it. Each crop is preprocessed
/// exactly as <c>extract</c> preprocesses the same crop read back from its (lossless) PNG, so the features equal those
/// of <c>faces</c> followed by <c>extract --manifest faces.csv</c>.
/// </summary>
public sealed class FaceFeaturePipeline(FaceScanner scanner, OnnxBackbone backbone, ImagePreprocessor preprocessor, int batchSize = 16)
{
    public OnnxBackbone Backbone { get; } = backbone;

    /// <summary>Batches of face features in frame order; <paramref name="onFrame"/> sees every scanned frame first, and
    /// faces <paramref name="wanted"/> rejects (e.g. already in the store) skip the backbone.</summary>
    public IEnumerable<IReadOnlyList<FaceFeature>> Run(IEnumerable<FrameJob> jobs, Action<ScannedFrame>? onFrame = null,
        CancellationToken cancel = default, Func<ScannedFrame, FoundFace, bool>? wanted = null)
    {
        if (batchSize < 1) throw new CultureNetException($"--batch {batchSize}: expected a positive batch size");
        int maxFaces = scanner.Settings.Selection.MaxFaces;
        var pending = new List<(ScannedFrame Frame, FoundFace Face)>(batchSize);
        foreach (var frame in scanner.Scan(jobs, cancel))
        {
            onFrame?.Invoke(frame);
            foreach (var face in frame.Faces)
            {
                if (wanted is not null && !wanted(frame, face)) continue;
                pending.Add((frame, face));
                if (pending.Count == batchSize)
                {
                    yield return Extract(pending, maxFaces);
                    pending.Clear();
                }
            }
        }
        if (pending.Count > 0) yield return Extract(pending, maxFaces);
    }

    private FaceFeature[] Extract(List<(ScannedFrame Frame, FoundFace Face)> faces, int maxFaces)
    {
        int sample = preprocessor.SampleLength, width = Backbone.FeatureWidth, size = scanner.Settings.CropSize;
        var input = new float[faces.Count * sample];
        Parallel.For(0, faces.Count, i =>
        {
            var (frame, face) = faces[i];
            var image = new DecodedImage(size, size, face.Crop, ImageFormat.Png, SourceColorModel.Rgb);
            preprocessor.Preprocess(image, input.AsSpan(i * sample, sample), $"{frame.Job.Source} frame {frame.Job.SourceFrame} face {face.Index}");
        });
        var features = new float[faces.Count * width];
        Backbone.Run(input, faces.Count, features);
        var result = new FaceFeature[faces.Count];
        for (int i = 0; i < faces.Count; i++)
        {
            var (frame, face) = faces[i];
            var row = features.AsSpan(i * width, width).ToArray();
            int bad = Nn.FiniteCheck.IndexOfNonFinite(row);
            if (bad >= 0)
                throw new CultureNetException($"{Backbone.ModelPath}: non-finite feature ({row[bad]} at index {bad}) for {frame.Job.Source} frame {frame.Job.SourceFrame} face {face.Index}");
            result[i] = new FaceFeature(frame, face, frame.KeyFrame(face.Index, maxFaces), row);
        }
        return result;
    }

    /// <summary>The built-in ResNet-18 and its preprocessing (shorter side → <paramref name="resize"/>, centre crop to the
    /// model's 224 × 224), as <c>extract</c> uses them by default.</summary>
    public static (OnnxBackbone Backbone, ImagePreprocessor Preprocessor) BuiltIn(int resize = 256, int intraOpThreads = 0)
    {
        var model = OnnxBackbone.Load(BuiltInBackbone.Resolve(null), new BackboneOptions { IntraOpThreads = intraOpThreads, AllowSpinning = false });
        try
        {
            return (model, new ImagePreprocessor(resize, model.InputWidth, model.InputHeight, BuiltInBackbone.Normalization, model.Layout));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
