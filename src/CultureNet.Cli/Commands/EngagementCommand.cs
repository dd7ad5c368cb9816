using System.CommandLine;
using System.Globalization;
using CultureNet.Cli.Display;
using CultureNet.Engine.Native;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet engagement`: video → faces → built-in ResNet-18 features → CultureNet → engagement.csv + .png.</summary>
public static class EngagementCommand
{
    public static Command Create()
    {
        var video = new Option<string>("--video") { Description = "video of the child (any format ffmpeg reads)", Required = true };
        var model = new Option<string>("--model") { Description = "CultureNet model folder (the protocol's RESULTS/models) trained on 512-D features of the built-in backbone", Required = true };
        var culture = new Option<string>("--culture") { Description = "the child's culture: 0|C0 (Japan) or 1|C1 (Serbia)", Required = true };
        var child = new Option<int?>("--child") { Description = "the child's id: its personalised layer when the model has one (else the culture's)" };
        var output = new Option<string>("--out") { Description = "output folder: engagement.csv (culture, child, frame, time_s, engagement) and engagement.png", Required = true };
        var fps = new Option<double?>("--fps") { Description = "sample the video at this many frames per second (default: every frame)" };
        var keepCrops = new Option<bool>("--keep-crops") { Description = "also write the face crops and faces.csv into --out" };
        var batch = new Option<int>("--batch") { Description = "face crops per backbone call", DefaultValueFactory = _ => 16 };
        var window = new Option<int>("--window") { Description = "frames in the plot's rolling mean", DefaultValueFactory = _ => 15 };
        var faces = new FaceOptionSet();
        var command = new Command("engagement", "Estimate a child's engagement over a video: faces, built-in ResNet-18 features and a CultureNet model")
        {
            video, model, culture, child, output, fps, keepCrops, batch, window,
        };
        foreach (var o in faces.All) command.Options.Add(o);
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = 0;
            var request = new EngagementRequest
            {
                Video = r.GetValue(video)!, Model = r.GetValue(model)!, Culture = FaceOptionSet.ParseCulture(r.GetValue(culture)!),
                Child = r.GetValue(child), Out = r.GetValue(output)!, Fps = r.GetValue(fps), KeepCrops = r.GetValue(keepCrops),
                Batch = r.GetValue(batch), Window = r.GetValue(window), Faces = faces.Read(r),
            };
            using var cancel = CliCancellation.OnCtrlC();
            EngagementOutcome o;
            try { o = FrameProgressBar.Run("engagement", (progress, _) => EngagementSession.Run(request, progress, cancel.Token)); }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine("interrupted: nothing written; rerun the command");
                return 130;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"source: {o.Source}");
            Console.WriteLine($"detector: {o.Detector}");
            Console.WriteLine($"model: {o.Layer} layer, {o.FeatureWidth}-D features from the built-in ResNet-18");
            Console.WriteLine(string.Create(inv, $"{o.Estimates} engagement estimates for {o.FramesWithFaces} of {o.Frames} frames with a face; {o.FramesPerSecond:F1} frames/s ({o.Elapsed.TotalSeconds:F1} s)"));
            Console.WriteLine($"engagement: {o.Csv}");
            Console.WriteLine(o.Estimates > 0 ? $"plot: {o.Plot}" : "0 faces: no estimates, no plot (try a lower --threshold or another --detector)");
            return 0;
        }));
        return command;
    }
}
