using System.CommandLine;
using System.Globalization;
using CultureNet.Cli.Display;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>`culturenet faces`: finds faces in a video or images and writes 256×256 crops plus faces.csv.</summary>
public static class FacesCommand
{
    public static Command Create()
    {
        var video = new Option<string?>("--video") { Description = "video file (any format ffmpeg reads; needs Debian's ffmpeg)" };
        var images = new Option<string?>("--images") { Description = "flat folder of .jpg/.jpeg/.png images, numbered by sorted file name" };
        var manifest = new Option<string?>("--manifest") { Description = "CSV with columns path, culture, child, frame[, label] (as extract --manifest)" };
        var output = new Option<string>("--out") { Description = "output folder: faces.csv and crops/ (rerunning resumes)", Required = true };
        var fps = new Option<double?>("--fps") { Description = "sample the video at this many frames per second (default: every frame)" };
        var culture = new Option<string>("--culture") { Description = "culture of the faces of --video/--images: 0|C0 (Japan) or 1|C1 (Serbia)", DefaultValueFactory = _ => "0" };
        var child = new Option<int>("--child") { Description = "child id of the faces of --video/--images", DefaultValueFactory = _ => 0 };
        var faces = new FaceOptionSet();
        var command = new Command("faces", "Find faces in a video or images: crops (max side × margin, square) as PNGs and faces.csv for extract --manifest")
        {
            video, images, manifest, output, fps, culture, child,
        };
        foreach (var o in faces.All) command.Options.Add(o);
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var request = new FacesRequest
            {
                Video = r.GetValue(video), Images = r.GetValue(images), Manifest = r.GetValue(manifest), Out = r.GetValue(output)!,
                Fps = r.GetValue(fps), Culture = FaceOptionSet.ParseCulture(r.GetValue(culture)!), Child = r.GetValue(child),
                Faces = faces.Read(r),
            };
            using var cancel = CliCancellation.OnCtrlC();
            FacesOutcome outcome;
            try
            {
                outcome = FrameProgressBar.Run("faces", (progress, note) =>
                    FacesSession.Run(request, progress, i => note($"bad image, skipped: {i.Source}: {i.Message}"), cancel.Token));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.Error.WriteLine($"interrupted: rerun the same command to resume ({request.Out})");
                return 130;
            }
            Print(outcome);
            return outcome.Failed.Count > 0 ? 2 : 0;
        }));
        return command;
    }

    public static void Print(FacesOutcome o)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"source: {o.Source}");
        Console.WriteLine($"detector: {o.Detector}, threshold {o.Threshold.ToString("R", inv)} (the detector's own score scale)");
        string resumed = o.ResumedFrames > 0 ? $" ({o.ResumedFrames} from an earlier run)" : "";
        Console.WriteLine(string.Create(inv,
            $"{o.Faces} faces in {o.FramesWithFaces} of {o.Frames} frames{resumed}; {o.FramesPerSecond:F1} frames/s ({o.Elapsed.TotalSeconds:F1} s)"));
        if (o.Faces == 0) Console.WriteLine($"0 faces: {o.CsvPath} has the header only (try a lower --threshold, another --detector, or check the input)");
        if (o.Failed.Count > 0) Console.Error.WriteLine($"{o.Failed.Count} image(s) could not be read (listed above)");
        Console.WriteLine($"manifest: {o.CsvPath}");
    }
}
