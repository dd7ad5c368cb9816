using CultureNet.Engine.Sessions;
using CultureNet.Cli.Display;
using System.CommandLine;
using System.Globalization;
using CultureNet.Engine;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.IO;
using Spectre.Console;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet extract`: face images (or a video's faces, or a faces.csv's faces cut again in memory) → backbone (ONNX) → feature rows with culture, child, frame and label.
/// Parses the options and runs one <see cref="ExtractionSession"/> (journal, resumption, store) with a progress bar. Exit codes: 0 all images written; 2 some images were bad and skipped (listed); 1 error; 130 interrupted
/// (Ctrl+C; rerun to resume).
/// </summary>
public static class ExtractCommand
{
    public static Command Create()
    {
        var images = new Option<string?>("--images") { Description = "folder of images named c{culture}/child{id}/{frame}.jpg|jpeg|png with --labels; without --labels a flat folder of unlabelled images (frames by sorted name, --culture/--child)" };
        var culture = new Option<string>("--culture") { Description = "with --video, or --images and no --labels: the rows' culture, 0|C0 or 1|C1", DefaultValueFactory = _ => "0" };
        var child = new Option<int>("--child") { Description = "with --video, or --images and no --labels: the rows' child id", DefaultValueFactory = _ => 0 };
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

        var video = new Option<string?>("--video") { Description = "a video: faces are detected, cropped and extracted in one pass (no PNGs unless --keep-crops); rows unlabelled, of --culture/--child" };
        var facesCsv = new Option<string?>("--faces") { Description = "a faces.csv written by `culturenet faces`: each face is cut again in memory from the video or image it names (by its box, margin, size and --fps from the faces.state beside it) and extracted, rows as --manifest would give them; no PNGs unless --keep-crops" };
        var fps = new Option<double?>("--fps") { Description = "with --video: sample this many frames per second (default: every frame); with --faces: only without a faces.state, the rate the faces were listed at" };
        var keepCrops = new Option<string?>("--keep-crops") { Description = "with --video or --faces: also write the face crops and faces.csv into this folder" };
        var faceOptions = new FaceOptionSet();
        var command = new Command("extract", "Extract backbone features from face images (or a video's faces) into a feature store")
        {
            images, video, facesCsv, fps, keepCrops, culture, child, manifest, labels, backbone, output, batch, size, preset, mean, std, scale, order, layout, outputName,
            inputSize, allowUpscale, threads, ortThreads, gpu, gpuDevice, dtype,
        };
        foreach (var o in faceOptions.AllButSize) command.Options.Add(o);
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var options = new ExtractionSessionOptions
            {
                Store = r.GetValue(output)!, Images = r.GetValue(images), Manifest = r.GetValue(manifest), Labels = r.GetValue(labels),
                Video = r.GetValue(video), FacesCsv = r.GetValue(facesCsv), Fps = r.GetValue(fps), KeepCrops = r.GetValue(keepCrops),
                Culture = FaceOptionSet.ParseCulture(r.GetValue(culture)!), Child = r.GetValue(child), Faces = faceOptions.Read(r),
                Backbone = r.GetValue(backbone), Batch = r.GetValue(batch), ResizeShorterSide = r.GetValue(size),
                Preset = r.GetValue(preset), Mean = r.GetValue(mean), Std = r.GetValue(std), Scale = r.GetValue(scale),
                ChannelOrder = r.GetValue(order), Layout = r.GetValue(layout), OutputName = r.GetValue(outputName),
                InputSize = r.GetValue(inputSize), AllowUpscale = r.GetValue(allowUpscale), DecodeThreads = r.GetValue(threads),
                OrtThreads = r.GetValue(ortThreads), UseGpu = r.GetValue(gpu), GpuDevice = r.GetValue(gpuDevice),
                DType = FeatureDTypeExtensions.Parse(r.GetValue(dtype)!),
            };
            using var session = ExtractionSession.Open(options);
            foreach (var note in session.Notes) Console.Error.WriteLine(note);
            if (session.IsVideo) return ExtractVideo(session);

            // Ctrl+C stops after the batch in flight; the journal keeps every row written so far and a rerun resumes.
            using var cancel = CliCancellation.OnCtrlC();
            ExtractionSummary summary;
            try
            {
                summary = RunWithProgress(session, cancel.Token);
            }
            catch (Exception e) when (AtomicFile.FileSystemFault(e) is { } fault)
            {
                throw new CultureNetException(
                    $"{session.JournalPath}: cannot write: {fault.Message}; the rows extracted so far are kept there — free space and rerun the same command to resume", fault);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: {session.JournalRows} row(s) kept in {session.JournalPath}; rerun the same command to resume");
                return 130;
            }

            var table = new Table().AddColumns("", "images");
            table.AddRow("listed", summary.Listed.ToString(CultureInfo.InvariantCulture));
            table.AddRow("already extracted (skipped)", summary.AlreadyPresent.ToString(CultureInfo.InvariantCulture));
            table.AddRow("written now", summary.Written.ToString(CultureInfo.InvariantCulture));
            table.AddRow("bad, skipped", summary.Failed.Count.ToString(CultureInfo.InvariantCulture));
            table.AddRow("grey-scale → RGB", summary.GreyConverted.ToString(CultureInfo.InvariantCulture));
            if (session.Preprocessor.AllowUpscale) table.AddRow("smaller than the crop, enlarged", summary.Upscaled.ToString(CultureInfo.InvariantCulture));
            table.AddRow("rate", string.Create(CultureInfo.InvariantCulture, $"{summary.ImagesPerSecond:F1} images/s ({summary.Elapsed.TotalSeconds:F1} s)"));
            AnsiConsole.Write(table);

            long rows = session.Finish();
            Console.WriteLine($"{rows} rows of {session.FeatureWidth} features in {session.StorePath}");
            if (summary.Failed.Count > 0)
            {
                Console.Error.WriteLine($"{summary.Failed.Count} bad image(s) skipped (listed above; fix or remove them and rerun to add them)");
                return 2;
            }
            return 0;
        }));
        return command;
    }

    private static int ExtractVideo(ExtractionSession session)
    {
        using var cancel = CliCancellation.OnCtrlC();
        FaceExtractionSummary summary;
        try
        {
            summary = FrameProgressBar.Run("extract", (progress, _) => session.ExtractVideo(progress, cancel.Token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted: {session.JournalRows} row(s) kept in {session.JournalPath}; rerun the same command to resume");
            return 130;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Faces} faces in {summary.FramesWithFaces} of {summary.Frames} frames; {summary.Written} written now, {summary.AlreadyPresent} already extracted; {summary.FramesPerSecond:F1} frames/s"));
        long rows = session.Finish();
        Console.WriteLine($"{rows} rows of {session.FeatureWidth} features in {session.StorePath} (unlabelled)");
        return 0;
    }

    private static ExtractionSummary RunWithProgress(ExtractionSession session, CancellationToken cancel)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            void Report(ExtractionIssue i) => Console.Error.WriteLine($"bad image, skipped: {i.Path}: {i.Message}");
            var last = DateTime.UtcNow;
            return session.Extract(new SyncProgress<ExtractionProgress>(p =>
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
                var task = ctx.AddTask("extracting", maxValue: Math.Max(1, session.Entries.Count));
                summary = session.Extract(new SyncProgress<ExtractionProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done + p.Failed;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"extracting {p.ImagesPerSecond,6:F1} images/s");
                }), ReportLive, cancel);
                task.Value = task.MaxValue;
            });
        return summary!;
    }
}
