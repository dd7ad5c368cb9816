using System.CommandLine;
using System.Globalization;
using CultureNet.Benchmarking;
using CultureNet.Engine.IO;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet faces-bench`: faces and engagement pipeline frames/s against bare detector (and backbone) inference on
/// the same frames, alternating in one run; key=value lines a script can read, and a Markdown report.
/// </summary>
public static class FacesBenchCommand
{
    public static Command Create()
    {
        var video = new Option<string>("--video") { Description = "video to measure on (e.g. build/test-media/forensics/movie-hello.mp4 from tools/fetch-test-media.sh)", Required = true };
        var frames = new Option<int>("--frames") { Description = "frames per measurement (from the start of the video)", DefaultValueFactory = _ => 60 };
        var rounds = new Option<int>("--rounds") { Description = "alternating rounds (medians reported)", DefaultValueFactory = _ => 3 };
        var workers = new Option<int>("--workers") { Description = "frames detected at once (0 = one per core)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Markdown report", DefaultValueFactory = _ => "build/bench/faces.md" };
        var command = new Command("faces-bench", "Measure faces/engagement pipeline frames/s against bare detector and backbone inference (same run)")
        {
            video, frames, rounds, workers, output,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"video={r.GetValue(video)}");
            Console.WriteLine($"cores={Environment.ProcessorCount}");
            var result = FacesThroughput.Measure(r.GetValue(video)!, r.GetValue(frames), r.GetValue(rounds), r.GetValue(workers),
                onRound: x => Console.WriteLine(string.Create(inv,
                    $"round bare_detector_fps={x.BareDetector:F1} faces_fps={x.Faces:F1} ratio={x.FacesRatio:F3} bare_chain_fps={x.BareChain:F1} engagement_fps={x.Engagement:F1} ratio={x.EngagementRatio:F3}")));
            var m = result.Median;
            string[] lines =
            [
                string.Create(inv, $"frames={result.Frames} faces={result.FacesFound} workers={result.Workers}"),
                string.Create(inv, $"bare_detector_fps={m.BareDetector:F1}"),
                string.Create(inv, $"faces_fps={m.Faces:F1}"),
                string.Create(inv, $"faces_ratio={result.MedianFacesRatio:F3}"),
                string.Create(inv, $"bare_chain_fps={m.BareChain:F1}"),
                string.Create(inv, $"engagement_fps={m.Engagement:F1}"),
                string.Create(inv, $"engagement_ratio={result.MedianEngagementRatio:F3}"),
            ];
            foreach (var l in lines) Console.WriteLine(l);
            AtomicFile.WriteText(r.GetValue(output)!, w =>
            {
                w.WriteLine("# faces-bench");
                w.WriteLine();
                w.WriteLine(string.Create(inv, $"`culturenet faces-bench --video {r.GetValue(video)} --frames {r.GetValue(frames)} --rounds {r.GetValue(rounds)}` on {Environment.ProcessorCount} cores; medians of {result.Rounds.Count} rounds. The engagement model has random (SYNTHETIC) weights: speed only."));
                w.WriteLine();
                w.WriteLine("| measure | frames/s |");
                w.WriteLine("|---|---|");
                w.WriteLine(string.Create(inv, $"| bare detector inference (all cores) | {m.BareDetector:F1} |"));
                w.WriteLine(string.Create(inv, $"| faces pipeline (decode, detect, crop) | {m.Faces:F1} |"));
                w.WriteLine(string.Create(inv, $"| ratio faces / bare detector | {result.MedianFacesRatio:F3} |"));
                w.WriteLine(string.Create(inv, $"| bare detector + ResNet-18 inference | {m.BareChain:F1} |"));
                w.WriteLine(string.Create(inv, $"| engagement pipeline (end to end) | {m.Engagement:F1} |"));
                w.WriteLine(string.Create(inv, $"| ratio engagement / bare chain | {result.MedianEngagementRatio:F3} |"));
            });
            Console.WriteLine($"report: {r.GetValue(output)}");
            return 0;
        }));
        return command;
    }
}
