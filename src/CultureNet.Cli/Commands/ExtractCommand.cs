using System.CommandLine;
using System.Globalization;
using CultureNet.Engine;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.IO;
using Spectre.Console;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet extract`: face images → backbone (ONNX) → feature rows with culture, child, frame and label.
/// Rows are appended to STORE.journal as they are made (a rerun resumes from it), and the feature store is built from it
/// at the end (an existing store from an earlier run with the same settings gets the new rows added). Exit codes: 0 all images written; 2 some images were bad and skipped (listed); 1 error; 130 interrupted
/// (Ctrl+C; rerun to resume).
/// </summary>
public static class ExtractCommand
{
    public static Command Create()
    {
        var images = new Option<string?>("--images") { Description = "folder of images named c{culture}/child{id}/{frame}.jpg|jpeg|png (needs --labels)" };
        var manifest = new Option<string?>("--manifest") { Description = "CSV with columns path, culture, child, frame, label (paths relative to the CSV's folder)" };
        var labels = new Option<string?>("--labels") { Description = "with --images: CSV with columns culture, child, frame, label" };
        var backbone = new Option<string?>("--backbone") { Description = "ONNX model (default: the built-in ResNet-18, 512-D; any ResNet-50 export gives 2048-D)" };
        var output = new Option<string>("--out") { Description = "feature store to write (rerunning resumes)", Required = true };
        var batch = new Option<int>("--batch") { Description = "images per inference call", DefaultValueFactory = _ => 64 };
        var size = new Option<int>("--size") { Description = "resize the shorter side to this before the centre crop to the model's input", DefaultValueFactory = _ => 256 };
        var preset = new Option<string?>("--preset") { Description = "normalisation: mlnet-resnet18 (built-in default), torch, caffe|keras (Keras ResNet-50 via tf2onnx), tf, raw; required for a custom --backbone unless --mean/--std are given" };
        var mean = new Option<string?>("--mean") { Description = "per-channel mean a,b,c in model channel order, after --scale (overrides the preset)" };
        var std = new Option<string?>("--std") { Description = "per-channel std a,b,c (overrides the preset)" };
        var scale = new Option<float?>("--scale") { Description = "pixel multiplier before mean/std, e.g. 0.00392157 for 1/255 (overrides the preset)" };
        var order = new Option<string?>("--channel-order") { Description = "rgb or bgr (overrides the preset)" };
        var layout = new Option<string?>("--layout") { Description = "nchw or nhwc (default: read from the model's input shape)" };
        var outputName = new Option<string?>("--output") { Description = "model output with the pooled feature vector (default: the only output)" };
        var inputSize = new Option<int?>("--input-size") { Description = "input height/width when the model leaves them dynamic (default 224)" };
        var allowUpscale = new Option<bool>("--allow-upscale") { Description = "enlarge images smaller than the crop instead of skipping them as bad" };
        var threads = new Option<int>("--threads") { Description = "decode/preprocess threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var ortThreads = new Option<int>("--ort-threads") { Description = "ONNX Runtime intra-op threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var gpu = new Option<bool>("--gpu") { Description = "run the backbone with ONNX Runtime's CUDA execution provider (error if this build has none)" };
        var gpuDevice = new Option<int>("--gpu-device") { Description = "CUDA device index", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "feature precision in a new store: float32 or float16 (half the size)", DefaultValueFactory = _ => "float32" };

        var command = new Command("extract", "Extract backbone features from face images into a feature store")
        {
            images, manifest, labels, backbone, output, batch, size, preset, mean, std, scale, order, layout, outputName,
            inputSize, allowUpscale, threads, ortThreads, gpu, gpuDevice, dtype,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            string? imagesDir = r.GetValue(images), manifestPath = r.GetValue(manifest), labelsPath = r.GetValue(labels);
            if ((imagesDir is null) == (manifestPath is null))
                throw new CultureNetException("give exactly one of --images DIR or --manifest M.csv");
            if (imagesDir is not null && labelsPath is null)
                throw new CultureNetException("--images needs --labels L.csv (columns culture, child, frame, label)");
            if (manifestPath is not null && labelsPath is not null)
                throw new CultureNetException("--labels goes with --images; a --manifest carries its labels in its label column");

            var list = manifestPath is not null ? ImageManifest.Load(manifestPath) : ImageManifest.FromDirectory(imagesDir!, labelsPath!);
            if (list.Ignored.Count > 0)
                Console.Error.WriteLine($"note: {list.Ignored.Count} file(s) under {imagesDir} do not follow c{{culture}}/child{{id}}/{{frame}}.jpg|png and are ignored, e.g. {list.Ignored[0]}");

            string? backboneArg = r.GetValue(backbone);
            bool builtIn = BuiltInBackbone.IsBuiltIn(backboneArg);
            string modelPath = BuiltInBackbone.Resolve(backboneArg);
            var normalization = ResolveNormalization(builtIn, r.GetValue(preset), r.GetValue(mean), r.GetValue(std), r.GetValue(scale), r.GetValue(order));
            TensorLayout? forcedLayout = r.GetValue(layout) switch
            {
                null => null,
                var s when s.Equals("nchw", StringComparison.OrdinalIgnoreCase) => TensorLayout.Nchw,
                var s when s.Equals("nhwc", StringComparison.OrdinalIgnoreCase) => TensorLayout.Nhwc,
                var s => throw new CultureNetException($"--layout '{s}': expected nchw or nhwc"),
            };

            using var model = OnnxBackbone.Load(modelPath, new BackboneOptions
            {
                OutputName = r.GetValue(outputName), InputSize = r.GetValue(inputSize), Layout = forcedLayout,
                IntraOpThreads = r.GetValue(ortThreads), UseGpu = r.GetValue(gpu), GpuDevice = r.GetValue(gpuDevice),
            });
            int batchSize = r.GetValue(batch);
            if (batchSize < 1) throw new CultureNetException($"--batch {batchSize}: expected a positive number");
            var pre = new ImagePreprocessor(r.GetValue(size), model.InputWidth, model.InputHeight, normalization, model.Layout, r.GetValue(allowUpscale));
            var extractor = new FeatureExtractor(model, pre, new ExtractionOptions { BatchSize = batchSize, DecodeThreads = r.GetValue(threads) });

            string storePath = r.GetValue(output)!;
            string settings = string.Create(CultureInfo.InvariantCulture,
                $"backbone {Path.GetFileName(modelPath)} ({new FileInfo(modelPath).Length} bytes), output {model.OutputName}, size {pre.ResizeShorterSide}, crop {pre.CropWidth}x{pre.CropHeight} {pre.Layout}, {normalization}");
            Console.Error.WriteLine($"backbone: {modelPath}");
            Console.Error.WriteLine($"  input {model.InputName} {pre.CropWidth}×{pre.CropHeight} {model.Layout}, output {model.OutputName} → {model.FeatureWidth}-D, " +
                $"{model.ExecutionProvider}{(model.BatchRelaxed ? ", batch dimension relaxed from 1" : model.FixedBatch is { } fb ? $", fixed batch {fb}" : "")}");
            Console.Error.WriteLine($"  preprocessing: shorter side → {pre.ResizeShorterSide}, centre crop {pre.CropWidth}×{pre.CropHeight}, {normalization}");

            var storeType = r.GetValue(dtype)!.ToLowerInvariant() switch
            {
                "float32" => FeatureDType.Float32,
                "float16" => FeatureDType.Float16,
                var t => throw new CultureNetException($"--dtype '{t}': expected float32 or float16"),
            };
            var present = FeatureStoreOutput.ExistingKeys(storePath, model.FeatureWidth, settings);
            using var journal = ExtractionJournal.OpenOrCreate(FeatureStoreOutput.JournalPath(storePath), model.FeatureWidth, settings);
            var sink = new ResumeSink(journal, present);
            int resumedFromStore = list.Entries.Count(e => present.Contains(e.Key));
            if (journal.Resumed > 0 || resumedFromStore > 0)
                Console.Error.WriteLine($"resuming: {journal.Resumed} row(s) in {journal.FilePath}{(journal.RepairedTornTail ? " (a torn last record was cut off)" : "")}, {resumedFromStore} already in {storePath}");

            // Ctrl+C stops after the batch in flight; the journal keeps every row written so far and a rerun resumes.
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            ExtractionSummary summary;
            try
            {
                summary = RunWithProgress(extractor, list.Entries, sink, cancel.Token);
            }
            catch (Exception e) when (AtomicFile.FileSystemFault(e) is { } fault)
            {
                throw new CultureNetException(
                    $"{journal.FilePath}: cannot write: {fault.Message}; the rows extracted so far are kept there — free space and rerun the same command to resume", fault);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                journal.Flush(toDisk: true);
                Console.Error.WriteLine($"interrupted: {journal.Count} row(s) kept in {journal.FilePath}; rerun the same command to resume");
                return 130;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            journal.Flush(toDisk: true);

            var table = new Table().AddColumns("", "images");
            table.AddRow("listed", summary.Listed.ToString(CultureInfo.InvariantCulture));
            table.AddRow("already extracted (skipped)", summary.AlreadyPresent.ToString(CultureInfo.InvariantCulture));
            table.AddRow("written now", summary.Written.ToString(CultureInfo.InvariantCulture));
            table.AddRow("bad, skipped", summary.Failed.Count.ToString(CultureInfo.InvariantCulture));
            table.AddRow("grey-scale → RGB", summary.GreyConverted.ToString(CultureInfo.InvariantCulture));
            if (pre.AllowUpscale) table.AddRow("smaller than the crop, enlarged", summary.Upscaled.ToString(CultureInfo.InvariantCulture));
            table.AddRow("rate", string.Create(CultureInfo.InvariantCulture, $"{summary.ImagesPerSecond:F1} images/s ({summary.Elapsed.TotalSeconds:F1} s)"));
            AnsiConsole.Write(table);

            long rows = FeatureStoreOutput.Finish(storePath, journal, settings, storeType);
            Console.WriteLine($"{rows} rows of {model.FeatureWidth} features in {storePath}");
            if (summary.Failed.Count > 0)
            {
                Console.Error.WriteLine($"{summary.Failed.Count} bad image(s) skipped (listed above; fix or remove them and rerun to add them)");
                return 2;
            }
            return 0;
        }));
        return command;
    }

    private static PixelNormalization ResolveNormalization(bool builtIn, string? preset, string? mean, string? std, float? scale, string? order)
    {
        PixelNormalization n;
        if (preset is null || preset.Equals("mlnet-resnet18", StringComparison.OrdinalIgnoreCase))
        {
            if (preset is null && !builtIn && mean is null && std is null)
                throw new CultureNetException(
                    "--backbone is a custom model: say how it expects its pixels with --preset torch|caffe|keras|tf|raw (a Keras ResNet-50 exported with tf2onnx: caffe; a torchvision export: torch) or --mean/--std/--scale/--channel-order");
            n = preset is null && !builtIn ? PixelNormalization.Raw : BuiltInBackbone.Normalization;
        }
        else n = PixelNormalization.FromPreset(preset);
        if (mean is not null) n = n with { Mean = PixelNormalization.ParseTriple(mean, "--mean"), MeanImage = null };
        if (std is not null) n = n with { Std = PixelNormalization.ParseTriple(std, "--std") };
        if (scale is { } s) n = n with { Scale = s };
        if (order is not null)
            n = n with
            {
                Order = order.ToLowerInvariant() switch
                {
                    "rgb" => ChannelOrder.Rgb,
                    "bgr" => ChannelOrder.Bgr,
                    _ => throw new CultureNetException($"--channel-order '{order}': expected rgb or bgr"),
                },
            };
        return n;
    }

    private static ExtractionSummary RunWithProgress(FeatureExtractor extractor, IReadOnlyList<ManifestEntry> entries, IFeatureSink sink, CancellationToken cancel)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            void Report(ExtractionIssue i) => Console.Error.WriteLine($"bad image, skipped: {i.Path}: {i.Message}");
            var last = DateTime.UtcNow;
            return extractor.Run(entries, sink, new SyncProgress(p =>
            {
                if ((DateTime.UtcNow - last).TotalSeconds < 5 && p.Done + p.Failed < p.Total) return;
                last = DateTime.UtcNow;
                double eta = p.ImagesPerSecond > 0 ? (p.Total - p.Done - p.Failed) / p.ImagesPerSecond : 0;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Done + p.Failed}/{p.Total} images, {p.ImagesPerSecond:F1} images/s, ETA {TimeSpan.FromSeconds(Math.Round(eta)):c}"));
            }), Report, cancel);
        }
        ExtractionSummary? summary = null;
        // Through the live display (printing beside it would tear the progress bar).
        void ReportLive(ExtractionIssue i) =>
            AnsiConsole.MarkupLineInterpolated($"[yellow]bad image, skipped:[/] {i.Path}: {i.Message}");
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("extracting", maxValue: Math.Max(1, entries.Count));
                summary = extractor.Run(entries, sink, new SyncProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done + p.Failed;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"extracting {p.ImagesPerSecond,6:F1} images/s");
                }), ReportLive, cancel);
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    /// <summary>Calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class SyncProgress(Action<ExtractionProgress> action) : IProgress<ExtractionProgress>
    {
        public void Report(ExtractionProgress value) => action(value);
    }

    /// <summary>The journal, plus the keys a finished store already holds (rows not to extract again).</summary>
    private sealed class ResumeSink(ExtractionJournal journal, IReadOnlySet<FrameKey> inStore) : IFeatureSink
    {
        public int FeatureWidth => journal.FeatureWidth;
        public bool Contains(FrameKey key) => inStore.Contains(key) || journal.Contains(key);
        public void Write(FrameKey key, float label, ReadOnlySpan<float> features) => journal.Write(key, label, features);
    }
}
