using System.Diagnostics;

namespace CultureNet.Cli.Tests.Support;

/// <summary>Runs the real `culturenet` command (built next to the tests) in its own process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "culturenet.dll");

    public static Result Run(params string[] args) => RunWith(null, args);

    public static Result RunWith(Action<ProcessStartInfo>? configure, params string[] args) =>
        RunFor(TimeSpan.FromMinutes(3), configure, args);

    /// <summary>With a longer guard against hangs, for whole-protocol runs on a loaded machine (not a speed check).</summary>
    public static Result RunFor(TimeSpan limit, Action<ProcessStartInfo>? configure, params string[] args)
    {
        using var started = Start(configure, args);
        var process = started.Process;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"culturenet {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, started.Stdout.Result, started.Stderr.Result);
    }

    /// <summary>A running `culturenet` whose output is read as it comes (so a full pipe never stalls it), for tests
    /// that must kill it mid-run.</summary>
    public sealed class Running(Process process) : IDisposable
    {
        public Process Process { get; } = process;
        public Task<string> Stdout { get; } = process.StandardOutput.ReadToEndAsync();
        public Task<string> Stderr { get; } = process.StandardError.ReadToEndAsync();
        public void Dispose() => Process.Dispose();
    }

    public static Running Start(params string[] args) => Start(null, args);

    public static Running Start(Action<ProcessStartInfo>? configure, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        configure?.Invoke(info);
        return new Running(Process.Start(info)!);
    }
}
