using System.Diagnostics;
using CultureNet.Engine.Data;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CultureNet.Cli.Display;

/// <summary>
/// Runs a long row-by-row job with a Spectre.Console progress bar (rows/s and ETA) when stdout is an
/// interactive terminal, and silently otherwise (pipes, CI, tests); either way one summary line follows.
/// </summary>
public static class RowProgressDisplay
{
    public static void Run(string description, Action<IProgress<RowProgress>> work)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (interactive)
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RowRateColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(description), maxValue: 1);
                    work(new SyncProgress<RowProgress>(p =>
                    {
                        rows = p.Done;
                        if (p.Total > 0) task.MaxValue = p.Total;
                        task.Value = p.Done;
                    }));
                    task.Value = task.MaxValue;
                });
        }
        else work(new SyncProgress<RowProgress>(p => rows = p.Done));
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{description}: {rows:N0} rows in {seconds:F1} s ({rows / Math.Max(seconds, 1e-9):N0} rows/s)");
    }

    private sealed class RowRateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double s ? $"{s:N0} rows/s" : "", new Style(Color.Grey));
    }
}
