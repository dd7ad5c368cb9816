using System.Diagnostics;
using System.Globalization;
using CultureNet.Engine.Sessions;
using Spectre.Console;

namespace CultureNet.Cli.Display;

/// <summary>
/// Progress of a face scan: on a terminal a Spectre progress bar with frames done / expected, frames/s and ETA; when
/// output is redirected, one plain line at most every five seconds (on stderr, so stdout keeps the results).
/// </summary>
public static class FrameProgressBar
{
    public static T Run<T>(string title, Func<IProgress<FaceScanProgress>, Action<string>, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
            return body(new LineProgress(title), Console.Error.WriteLine);
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                // Notes go through the live display (printing beside it would tear the bar).
                var result = body(new TaskProgress(task, title), line => AnsiConsole.MarkupLineInterpolated($"[yellow]{line}[/]"));
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    /// <summary>"120/249 frames, 35.2 frames/s, 96 faces, ETA 00:04".</summary>
    public static string Describe(FaceScanProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Done}/{p.Total} frames, {p.FramesPerSecond:F1} frames/s, {p.Faces} faces, ETA {(p.Remaining is { } r ? ProtocolProgressBar.FormatSpan(r) : "-")}");

    private sealed class TaskProgress(ProgressTask task, string title) : IProgress<FaceScanProgress>
    {
        public void Report(FaceScanProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = $"{title} {Describe(value)}";
        }
    }

    private sealed class LineProgress(string title) : IProgress<FaceScanProgress>
    {
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();

        public void Report(FaceScanProgress value)
        {
            if (_sinceLast.Elapsed < TimeSpan.FromSeconds(5) && value.Done < value.Total) return;
            _sinceLast.Restart();
            Console.Error.WriteLine($"{title}: {Describe(value)}");
        }
    }
}
