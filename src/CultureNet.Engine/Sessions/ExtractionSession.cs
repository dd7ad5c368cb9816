using System.Globalization;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Sessions;

/// <summary>
/// One <c>culturenet extract</c>: face images → backbone (ONNX) → feature rows, resumable. <see cref="Open"/> lists the
/// images, resolves the backbone and its pixel normalisation, and opens (or resumes) the journal next to the store;
/// <see cref="Extract"/> appends the rows not yet extracted; <see cref="Finish"/> builds the feature store from the
/// journal (adding to an existing store made with the same settings).
/// </summary>
public sealed class ExtractionSession : IDisposable
{
    private readonly OnnxBackbone _model;
    private readonly ExtractionJournal _journal;
    private readonly FeatureExtractor _extractor;
    private readonly IReadOnlySet<FrameKey> _inStore;
    private readonly string _settings;
    private readonly FeatureDType _dtype;

    private ExtractionSession(ExtractionSessionOptions options, ImageManifest list, OnnxBackbone model, ImagePreprocessor pre,
        PixelNormalization normalization, string modelPath)
    {
        _model = model;
        _dtype = options.DType;
        StorePath = options.Store;
        Entries = list.Entries;
        Preprocessor = pre;
        _extractor = new FeatureExtractor(model, pre, new ExtractionOptions { BatchSize = options.Batch, DecodeThreads = options.DecodeThreads });
        _settings = string.Create(CultureInfo.InvariantCulture,
            $"backbone {Path.GetFileName(modelPath)} ({new FileInfo(modelPath).Length} bytes), output {model.OutputName}, size {pre.ResizeShorterSide}, crop {pre.CropWidth}x{pre.CropHeight} {pre.Layout}, {normalization}");

        var notes = new List<string>();
        if (list.Ignored.Count > 0)
            notes.Add($"note: {list.Ignored.Count} file(s) under {options.Images} do not follow c{{culture}}/child{{id}}/{{frame}}.jpg|png and are ignored, e.g. {list.Ignored[0]}");
        notes.Add($"backbone: {modelPath}");
        notes.Add($"  input {model.InputName} {pre.CropWidth}×{pre.CropHeight} {model.Layout}, output {model.OutputName} → {model.FeatureWidth}-D, " +
            $"{model.ExecutionProvider}{(model.BatchRelaxed ? ", batch dimension relaxed from 1" : model.FixedBatch is { } fb ? $", fixed batch {fb}" : "")}");
        notes.Add($"  preprocessing: shorter side → {pre.ResizeShorterSide}, centre crop {pre.CropWidth}×{pre.CropHeight}, {normalization}");

        _inStore = FeatureStoreOutput.ExistingKeys(StorePath, model.FeatureWidth, _settings);
        _journal = ExtractionJournal.OpenOrCreate(FeatureStoreOutput.JournalPath(StorePath), model.FeatureWidth, _settings);
        int resumedFromStore = list.Entries.Count(e => _inStore.Contains(e.Key));
        if (_journal.Resumed > 0 || resumedFromStore > 0)
            notes.Add($"resuming: {_journal.Resumed} row(s) in {_journal.FilePath}{(_journal.RepairedTornTail ? " (a torn last record was cut off)" : "")}, {resumedFromStore} already in {StorePath}");
        Notes = notes;
    }

    public string StorePath { get; }

    /// <summary>The images to extract, in manifest order.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    public ImagePreprocessor Preprocessor { get; }

    public int FeatureWidth => _model.FeatureWidth;

    /// <summary>What a person should know before the run starts: ignored files, the backbone and preprocessing, resumption.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Rows kept in the journal so far (after an interruption: what a rerun resumes from).</summary>
    public int JournalRows => _journal.Count;

    public string JournalPath => _journal.FilePath;

    public static ExtractionSession Open(ExtractionSessionOptions options)
    {
        if ((options.Images is null) == (options.Manifest is null))
            throw new CultureNetException("give exactly one of --images DIR or --manifest M.csv");
        if (options.Images is not null && options.Labels is null)
            throw new CultureNetException("--images needs --labels L.csv (columns culture, child, frame, label)");
        if (options.Manifest is not null && options.Labels is not null)
            throw new CultureNetException("--labels goes with --images; a --manifest carries its labels in its label column");

        var list = options.Manifest is not null ? ImageManifest.Load(options.Manifest) : ImageManifest.FromDirectory(options.Images!, options.Labels!);
        bool builtIn = BuiltInBackbone.IsBuiltIn(options.Backbone);
        string modelPath = BuiltInBackbone.Resolve(options.Backbone);
        var normalization = PixelNormalization.Resolve(builtIn, options.Preset, options.Mean, options.Std, options.Scale, options.ChannelOrder);
        var layout = PixelNormalization.ParseLayout(options.Layout);

        var model = OnnxBackbone.Load(modelPath, new BackboneOptions
        {
            OutputName = options.OutputName, InputSize = options.InputSize, Layout = layout,
            IntraOpThreads = options.OrtThreads, UseGpu = options.UseGpu, GpuDevice = options.GpuDevice,
        });
        try
        {
            if (options.Batch < 1) throw new CultureNetException($"--batch {options.Batch}: expected a positive number");
            var pre = new ImagePreprocessor(options.ResizeShorterSide, model.InputWidth, model.InputHeight, normalization, model.Layout, options.AllowUpscale);
            return new ExtractionSession(options, list, model, pre, normalization, modelPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Extracts every listed image not already in the journal or the store. When cancelled (after the batch in
    /// flight) the journal keeps every row written so far, on disk, and the cancellation propagates.</summary>
    public ExtractionSummary Extract(IProgress<ExtractionProgress>? progress, Action<ExtractionIssue>? onIssue, CancellationToken cancellation)
    {
        try
        {
            return _extractor.Run(Entries, new ResumeSink(_journal, _inStore), progress, onIssue, cancellation);
        }
        finally
        {
            _journal.Flush(toDisk: true);
        }
    }

    /// <summary>Builds the feature store from the journal; returns its row count.</summary>
    public long Finish() => FeatureStoreOutput.Finish(StorePath, _journal, _settings, _dtype);

    public void Dispose()
    {
        _journal.Dispose();
        _model.Dispose();
    }

    /// <summary>The journal, plus the keys a finished store already holds (rows not to extract again).</summary>
    private sealed class ResumeSink(ExtractionJournal journal, IReadOnlySet<FrameKey> inStore) : IFeatureSink
    {
        public int FeatureWidth => journal.FeatureWidth;
        public bool Contains(FrameKey key) => inStore.Contains(key) || journal.Contains(key);
        public void Write(FrameKey key, float label, ReadOnlySpan<float> features) => journal.Write(key, label, features);
    }
}
