using CultureNet.Engine.Protocol.Running;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CultureNet.Cli.Display;

/// <summary>
/// Shows a protocol run's progress: on a terminal a Spectre progress bar with fits done / total, rate and ETA (rate
/// and ETA count only fits trained by this process, not resumed ones); when output is redirected, one plain line at
/// most every few seconds.
/// </summary>
public static class ProtocolProgressBar
{
    public static T Run<T>(string title, Func<IProgress<ProtocolProgress>, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return body(LineProgress(title));

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new FitsColumn(), new RateColumn(), new EtaColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                var result = body(TaskProgress(task));
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    /// <summary>"12/185 fits, 0.52 fits/s, ETA 0:06:10 (3 resumed)": the one-line form.</summary>
    public static string Describe(ProtocolProgress p)
    {
        var inv = CultureInfo.InvariantCulture;
        string rate = p.Rate > 0 ? p.Rate.ToString(p.Rate >= 10 ? "F0" : "F2", inv) + " fits/s" : "- fits/s";
        string eta = p.Remaining is { } r ? "ETA " + FormatSpan(r) : "ETA -";
        string resumed = p.Resumed > 0 ? $", {p.Resumed} resumed" : "";
        return $"{p.Done}/{p.Total} fits, {rate}, {eta}{resumed}";
    }

    public static string FormatSpan(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes:D2}:{t.Seconds:D2}";

    private static IProgress<ProtocolProgress> TaskProgress(ProgressTask task) => new SyncProgress<ProtocolProgress>(value =>
    {
        task.MaxValue = Math.Max(1, value.Total);
        task.Value = value.Done;
        task.Tag = value;
    });

    /// <summary>One line at the start, then at most every 5 s, and at the end.</summary>
    private static IProgress<ProtocolProgress> LineProgress(string title)
    {
        var sinceLast = Stopwatch.StartNew();
        bool first = true;
        return new SyncProgress<ProtocolProgress>(value =>
        {
            bool end = value.Done == value.Total && value.Current is null;
            if (!first && !end && sinceLast.Elapsed < TimeSpan.FromSeconds(5)) return;
            if (value.Current is not null && !first) return;
            first = false;
            sinceLast.Restart();
            Console.WriteLine($"{title}: {Describe(value)}");
        });
    }

    private static ProtocolProgress? Of(ProgressTask task) => task.Tag as ProtocolProgress;

    private sealed class FitsColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Of(task) is { } p ? $"{p.Done}/{p.Total} fits" + (p.Resumed > 0 ? $" ({p.Resumed} resumed)" : "") : "");
    }

    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Of(task) is { Rate: > 0 } p ? p.Rate.ToString(p.Rate >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + " fits/s" : "- fits/s");
    }

    private sealed class EtaColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Of(task)?.Remaining is { } r ? "ETA " + FormatSpan(r) : "ETA -");
    }
}
