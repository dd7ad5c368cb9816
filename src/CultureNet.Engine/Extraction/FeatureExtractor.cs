using CultureNet.Engine.Nn;
using CultureNet.Engine.Data;
using System.Diagnostics;
using System.Threading.Channels;

namespace CultureNet.Engine.Extraction;

/// <summary>Pipeline settings.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Images per inference call.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Threads decoding and preprocessing; 0: one per core.</summary>
    public int DecodeThreads { get; init; }

    /// <summary>Batches that may wait between stages (bounds memory: each is BatchSize × 3 × H × W floats).</summary>
    public int QueueDepth { get; init; } = 2;
}

/// <summary>A skipped image and why.</summary>
public sealed record ExtractionIssue(string Path, string Source, string Message);

/// <summary>Progress after each written batch.</summary>
public readonly record struct ExtractionProgress(int Done, int Failed, int Total, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? (Done + Failed) / Elapsed.TotalSeconds : 0;
}

/// <summary>What a run did.</summary>
public sealed record ExtractionSummary(
    int Listed, int AlreadyPresent, int Written, IReadOnlyList<ExtractionIssue> Failed,
    int GreyConverted, int Upscaled, int FeatureWidth, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Written / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// decode → preprocess → infer → write, as a bounded three-stage pipeline:
/// <list type="number">
/// <item>decode + preprocess: the images of one batch in parallel on <see cref="ExtractionOptions.DecodeThreads"/>
///   threads, straight into a pooled input tensor; failed images are reported and compacted out (never zero-filled);</item>
/// <item>inference: one ONNX Runtime call per batch (its own intra-op threads), while stage 1 fills the next batch;</item>
/// <item>write: rows go to the <see cref="IFeatureSink"/> on the caller's thread, in manifest order.</item>
/// </list>
/// At most <see cref="ExtractionOptions.QueueDepth"/> batches wait between stages, so memory stays bounded whatever the
/// manifest's length. Images whose key the sink already holds are skipped before decoding (resume).
/// </summary>
public sealed class FeatureExtractor
{
    private readonly OnnxBackbone _backbone;
    private readonly ImagePreprocessor _pre;
    private readonly ExtractionOptions _options;
    private readonly IEntryImages? _images;

    /// <param name="images">Where the entries' pixels come from; null: decode each entry's image file.</param>
    public FeatureExtractor(OnnxBackbone backbone, ImagePreprocessor preprocessor, ExtractionOptions? options = null, IEntryImages? images = null)
    {
        _images = images;
        _options = options ?? new ExtractionOptions();
        if (_options.BatchSize < 1) throw new CultureNetException($"--batch {_options.BatchSize}: expected a positive batch size");
        if (preprocessor.CropWidth != backbone.InputWidth || preprocessor.CropHeight != backbone.InputHeight || preprocessor.Layout != backbone.Layout)
            throw new CultureNetException(
                $"{backbone.ModelPath}: the backbone takes {backbone.InputWidth}×{backbone.InputHeight} {backbone.Layout} input, the preprocessor makes {preprocessor.CropWidth}×{preprocessor.CropHeight} {preprocessor.Layout}");
        _backbone = backbone;
        _pre = preprocessor;
    }

    private sealed class Batch
    {
        public required float[] Input;
        public required ManifestEntry[] Entries;
        public int Count;
        public float[]? Features;
        public List<ExtractionIssue> Issues = new();
        public int Grey, Upscaled;
    }

    public ExtractionSummary Run(IReadOnlyList<ManifestEntry> entries, IFeatureSink sink,
        IProgress<ExtractionProgress>? progress = null, Action<ExtractionIssue>? onIssue = null, CancellationToken cancel = default)
    {
        if (sink.FeatureWidth != _backbone.FeatureWidth)
            throw new CultureNetException($"the feature store holds {sink.FeatureWidth}-D rows; the backbone {_backbone.ModelPath} gives {_backbone.FeatureWidth}-D");
        var clock = Stopwatch.StartNew();
        var todo = entries.Where(e => !sink.Contains(e.Key)).ToArray();
        int alreadyPresent = entries.Count - todo.Length;
        int batchSize = _options.BatchSize;
        int sample = _pre.SampleLength;
        int decodeThreads = _options.DecodeThreads > 0 ? _options.DecodeThreads : Environment.ProcessorCount;
        int depth = Math.Max(1, _options.QueueDepth);

        // Pooled input tensors: one being filled, `depth` queued, one in inference.
        var free = Channel.CreateUnbounded<float[]>();
        for (int i = 0; i < depth + 2; i++) free.Writer.TryWrite(new float[Math.Min(batchSize, Math.Max(1, todo.Length)) * sample]);
        var decoded = Channel.CreateBounded<Batch>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        var inferred = Channel.CreateBounded<Batch>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var ct = linked.Token;

        var decodeTask = Task.Run(async () =>
        {
            try
            {
                for (int start = 0; start < todo.Length; start += batchSize)
                {
                    var chunk = todo.AsSpan(start, Math.Min(batchSize, todo.Length - start)).ToArray();
                    var input = await free.Reader.ReadAsync(ct);
                    var batch = Decode(chunk, input, decodeThreads, ct);
                    await decoded.Writer.WriteAsync(batch, ct);
                }
                decoded.Writer.Complete();
            }
            catch (Exception e) { decoded.Writer.TryComplete(e); linked.Cancel(); }
        }, ct);

        var inferTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in decoded.Reader.ReadAllAsync(ct))
                {
                    batch.Features = new float[batch.Count * _backbone.FeatureWidth];
                    if (batch.Count > 0) _backbone.Run(batch.Input.AsMemory(0, batch.Count * sample), batch.Count, batch.Features);
                    free.Writer.TryWrite(batch.Input);
                    await inferred.Writer.WriteAsync(batch, ct);
                }
                inferred.Writer.Complete();
            }
            catch (Exception e) { inferred.Writer.TryComplete(e); linked.Cancel(); }
        }, ct);

        int done = 0, grey = 0, upscaled = 0;
        var failed = new List<ExtractionIssue>();
        try
        {
            // The sink is written on this thread only.
            while (true)
            {
                Batch batch;
                try
                {
                    if (!inferred.Reader.WaitToReadAsync(ct).AsTask().GetAwaiter().GetResult()) break;
                    if (!inferred.Reader.TryRead(out batch!)) continue;
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    // A stage failed and cancelled the others: surface its exception below.
                    break;
                }
                foreach (var issue in batch.Issues) { failed.Add(issue); onIssue?.Invoke(issue); }
                int fw = _backbone.FeatureWidth;
                int written = 0;
                for (int i = 0; i < batch.Count; i++)
                {
                    var row = batch.Features.AsSpan(i * fw, fw);
                    int bad = FiniteCheck.IndexOfNonFinite(row);
                    if (bad >= 0)
                    {
                        // A NaN/∞ feature would poison training (and the store refuses it): report the image, keep going.
                        var issue = new ExtractionIssue(batch.Entries[i].Path, batch.Entries[i].Source,
                            $"the backbone gave a non-finite feature ({row[bad]} at index {bad}); the row is skipped");
                        failed.Add(issue);
                        onIssue?.Invoke(issue);
                        continue;
                    }
                    sink.Write(batch.Entries[i].Key, batch.Entries[i].Label, row);
                    written++;
                }
                done += written;
                grey += batch.Grey;
                upscaled += batch.Upscaled;
                progress?.Report(new ExtractionProgress(done, failed.Count, todo.Length, clock.Elapsed));
            }
        }
        finally
        {
            linked.Cancel();
            try { Task.WaitAll(decodeTask, inferTask); } catch (AggregateException) { }
        }
        cancel.ThrowIfCancellationRequested();
        // Rethrow a stage's failure (inference error, bug) rather than returning a partial summary as if all went well.
        if (inferred.Reader.Completion.IsFaulted) Rethrow(inferred.Reader.Completion.Exception!);
        if (decoded.Reader.Completion.IsFaulted) Rethrow(decoded.Reader.Completion.Exception!);
        return new ExtractionSummary(entries.Count, alreadyPresent, done, failed, grey, upscaled, _backbone.FeatureWidth, clock.Elapsed);
    }

    private static void Rethrow(AggregateException e)
    {
        var inner = e.Flatten().InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerException!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
    }

    private Batch Decode(ManifestEntry[] chunk, float[] input, int threads, CancellationToken ct)
    {
        int sample = _pre.SampleLength;
        var ok = new bool[chunk.Length];
        var flags = new (bool Grey, bool Up)[chunk.Length];
        var errors = new ExtractionIssue?[chunk.Length];
        // Supplied images come sequentially (a video reads forward); their preprocessing is parallel like a file's.
        DecodedImage?[]? supplied = null;
        string?[]? reasons = null;
        if (_images is not null)
        {
            supplied = new DecodedImage?[chunk.Length];
            reasons = new string?[chunk.Length];
            _images.Load(chunk, supplied, reasons, ct);
        }
        Parallel.For(0, chunk.Length, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, i =>
        {
            var e = chunk[i];
            try
            {
                var img = supplied is null ? ImageDecoder.Decode(e.Path)
                    : supplied[i] ?? throw new ImageDecodeException(e.Path, reasons![i] ?? "no image");
                bool up = _pre.Preprocess(img, input.AsSpan(i * sample, sample), e.Path);
                flags[i] = (img.WasGrey, up);
                ok[i] = true;
            }
            catch (ImageDecodeException x) { errors[i] = new ExtractionIssue(e.Path, e.Source, x.Reason); }
        });
        // Compact: move good samples down over the failed ones, keeping order.
        var batch = new Batch { Input = input, Entries = new ManifestEntry[chunk.Length] };
        int n = 0;
        for (int i = 0; i < chunk.Length; i++)
        {
            if (!ok[i]) { batch.Issues.Add(errors[i]!); continue; }
            if (n != i) Array.Copy(input, i * sample, input, n * sample, sample);
            batch.Entries[n++] = chunk[i];
            if (flags[i].Grey) batch.Grey++;
            if (flags[i].Up) batch.Upscaled++;
        }
        batch.Count = n;
        return batch;
    }
}
