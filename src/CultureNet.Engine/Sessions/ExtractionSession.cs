using System.Globalization;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;

namespace CultureNet.Engine.Sessions;

/// <summary>
/// One <c>culturenet extract</c>: face images (or a video's faces, or the faces a faces.csv lists, cut again in memory)
/// → backbone (ONNX) → feature rows, resumable.
/// <see cref="Open"/> lists the images (or probes the video and loads the face detector, or checks every faces.csv row), resolves the backbone and its
/// pixel normalisation, and opens (or resumes) the journal next to the store; <see cref="Extract"/> (images) or
/// <see cref="ExtractVideo"/> appends the rows not yet extracted; <see cref="Finish"/> builds the feature store from the
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
    private readonly FaceScanner? _scanner;
    private readonly FrameSource? _video;
    private readonly FaceCropImages? _crops;
    private readonly string? _videoPath, _keepCrops;
    private readonly int _batch;
    private FaceExtractionSummary? _videoSummary;

    private ExtractionSession(ExtractionSessionOptions options, ImageManifest list, OnnxBackbone model, ImagePreprocessor pre,
        PixelNormalization normalization, string modelPath, FaceScanner? scanner, string detectorDescription, FacesCsvFile? faces, FaceCropImages? crops)
    {
        _crops = crops;
        _model = model;
        _dtype = options.DType;
        _scanner = scanner;
        _videoPath = options.Video;
        _keepCrops = options.KeepCrops;
        _batch = options.Batch;
        StorePath = options.Store;
        Entries = list.Entries;
        Preprocessor = pre;
        _extractor = new FeatureExtractor(model, pre, new ExtractionOptions { BatchSize = options.Batch, DecodeThreads = options.DecodeThreads }, crops);
        _settings = string.Create(CultureInfo.InvariantCulture,
            $"backbone {Path.GetFileName(modelPath)} ({new FileInfo(modelPath).Length} bytes), output {model.OutputName}, size {pre.ResizeShorterSide}, crop {pre.CropWidth}x{pre.CropHeight} {pre.Layout}, {normalization}");
        // A video's faces: the detector and crop settings are part of what the rows mean.
        if (scanner is not null) _settings += $", faces: {FaceOptions.Describe(scanner)}";

        var notes = new List<string>();
        if (options.Images is not null && options.Labels is null)
            notes.Add($"note: {list.Entries.Count} unlabelled image(s) from {options.Images} (no --labels): the store records them as unlabelled");
        else if (list.Ignored.Count > 0)
            notes.Add($"note: {list.Ignored.Count} file(s) under {options.Images} do not follow c{{culture}}/child{{id}}/{{frame}}.jpg|png and are ignored, e.g. {list.Ignored[0]}");
        if (faces is not null)
        {
            int sources = faces.Rows.Select(r => r.Source).Distinct().Count();
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"faces: {faces.Rows.Count} face(s) from {sources} source(s) listed in {faces.Path}, cut again in memory{(options.KeepCrops is null ? " (no PNGs)" : $" (PNGs into {options.KeepCrops})")}: margin {faces.Crops.Margin:R}, size {faces.Crops.Size}, {FrameSource.FpsSettingOf(faces.Crops.Fps)}, from {faces.Crops.Origin}"));
        }
        notes.Add($"backbone: {modelPath}");
        notes.Add($"  input {model.InputName} {pre.CropWidth}×{pre.CropHeight} {model.Layout}, output {model.OutputName} → {model.FeatureWidth}-D, " +
            $"{model.ExecutionProvider}{(model.BatchRelaxed ? ", batch dimension relaxed from 1" : model.FixedBatch is { } fb ? $", fixed batch {fb}" : "")}");
        notes.Add($"  preprocessing: shorter side → {pre.ResizeShorterSide}, centre crop {pre.CropWidth}×{pre.CropHeight}, {normalization}");
        if (scanner is not null)
        {
            _video = FrameSource.FromVideo(options.Video!, options.Fps, options.Culture, options.Child);
            notes.Add($"video: {_video.Description}; detector: {detectorDescription}, threshold {scanner.Settings.Threshold.ToString("R", CultureInfo.InvariantCulture)}");
        }

        _inStore = FeatureStoreOutput.ExistingKeys(StorePath, model.FeatureWidth, _settings);
        _journal = ExtractionJournal.OpenOrCreate(FeatureStoreOutput.JournalPath(StorePath), model.FeatureWidth, _settings);
        int resumedFromStore = list.Entries.Count(e => _inStore.Contains(e.Key));
        if (_journal.Resumed > 0 || resumedFromStore > 0)
            notes.Add($"resuming: {_journal.Resumed} row(s) in {_journal.FilePath}{(_journal.RepairedTornTail ? " (a torn last record was cut off)" : "")}, {resumedFromStore} already in {StorePath}");
        Notes = notes;
    }

    public string StorePath { get; }

    /// <summary>True for <c>--video</c>: run <see cref="ExtractVideo"/>, not <see cref="Extract"/>.</summary>
    public bool IsVideo => _video is not null;

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
        if ((options.Images is null ? 0 : 1) + (options.Manifest is null ? 0 : 1) + (options.Video is null ? 0 : 1) + (options.FacesCsv is null ? 0 : 1) != 1)
            throw new CultureNetException("give exactly one of --images DIR, --manifest M.csv, --video V or --faces DIR/faces.csv");
        if (options.Video is null && options.FacesCsv is null && (options.Fps is not null || options.KeepCrops is not null))
            throw new CultureNetException("--fps and --keep-crops go with --video or --faces");
        if (options.Manifest is not null && options.Labels is not null)
            throw new CultureNetException("--labels goes with --images; a --manifest carries its labels in its label column");
        if (options.Video is not null && options.Labels is not null)
            throw new CultureNetException("--labels goes with --images; a --video's faces are unlabelled");
        if (options.FacesCsv is not null && options.Labels is not null)
            throw new CultureNetException("--labels goes with --images; a faces.csv carries its labels in its label column");

        // Every row of a faces.csv is checked (sources, boxes, frame numbers) before the backbone loads.
        var faces = options.FacesCsv is null ? null : FacesCsvFile.Load(options.FacesCsv, options.Faces.Margin, options.ResizeShorterSide, options.Fps);
        var list = options.Video is not null ? new ImageManifest([])
            : faces is not null ? faces.Manifest
            : options.Manifest is not null ? ImageManifest.Load(options.Manifest)
            : options.Labels is not null ? ImageManifest.FromDirectory(options.Images!, options.Labels)
            : ImageManifest.FromFlatDirectory(options.Images!, options.Culture, options.Child);
        bool builtIn = BuiltInBackbone.IsBuiltIn(options.Backbone);
        string modelPath = BuiltInBackbone.Resolve(options.Backbone);
        var normalization = PixelNormalization.Resolve(builtIn, options.Preset, options.Mean, options.Std, options.Scale, options.ChannelOrder);
        var layout = PixelNormalization.ParseLayout(options.Layout);

        var model = OnnxBackbone.Load(modelPath, new BackboneOptions
        {
            OutputName = options.OutputName, InputSize = options.InputSize, Layout = layout,
            IntraOpThreads = options.OrtThreads, UseGpu = options.UseGpu, GpuDevice = options.GpuDevice,
        });
        FaceScanner? scanner = null;
        FaceCropImages? crops = null;
        try
        {
            if (options.Batch < 1) throw new CultureNetException($"--batch {options.Batch}: expected a positive number");
            var pre = new ImagePreprocessor(options.ResizeShorterSide, model.InputWidth, model.InputHeight, normalization, model.Layout, options.AllowUpscale);
            string detectorDescription = "";
            if (options.Video is not null)
                (scanner, detectorDescription) = (options.Faces with { Size = pre.ResizeShorterSide }).CreateScanner();
            if (faces is not null) crops = new FaceCropImages(faces, options.KeepCrops);
            return new ExtractionSession(options, list, model, pre, normalization, modelPath, scanner, detectorDescription, faces, crops);
        }
        catch
        {
            crops?.Dispose();
            scanner?.Detector.Dispose();
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
            _crops?.Close(); // stops ffmpeg now rather than at Dispose
            _journal.Flush(toDisk: true);
        }
    }

    /// <summary><c>--video</c>: detection, cropping and extraction in one pass (<see cref="FaceExtractionSession"/>) into the
    /// journal; cancellation as in <see cref="Extract"/>.</summary>
    public FaceExtractionSummary ExtractVideo(IProgress<FaceScanProgress>? progress, CancellationToken cancellation)
    {
        if (_video is null) throw new InvalidOperationException("ExtractVideo needs a session opened with a video");
        try
        {
            _videoSummary = FaceExtractionSession.Run(_video, _scanner!, _model, Preprocessor, new ResumeSink(_journal, _inStore),
                _keepCrops, _batch, progress, cancellation);
            return _videoSummary;
        }
        finally
        {
            _journal.Flush(toDisk: true);
        }
    }

    /// <summary>Builds the feature store from the journal; returns its row count. A video in which no face was found
    /// (and no earlier run left rows) writes no store.</summary>
    public long Finish()
    {
        if (_videoSummary is { Faces: 0 } v && !FeatureStoreOutput.StoreExists(StorePath) && _journal.Count == 0)
            throw new CultureNetException($"{_videoPath}: 0 faces in {v.Frames} frames, so no feature store was written (try a lower --threshold or another --detector)");
        return FeatureStoreOutput.Finish(StorePath, _journal, _settings, _dtype);
    }

    public void Dispose()
    {
        _journal.Dispose();
        _crops?.Dispose();
        _scanner?.Detector.Dispose();
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
