using System.Diagnostics;

namespace CultureNet.Engine.Tests.Support;

/// <summary>
/// Runs Debian's /usr/bin/python3 (with python3-numpy/-scipy/-torch/-h5py, installed by .ci/run and ./test.sh) as an
/// independent oracle. Fails loudly when it is missing rather than skipping: a skipped oracle proves nothing.
/// </summary>
public static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Oracle(string name) => System.IO.Path.Combine(RepoRoot, "tests", "oracles", name);

    /// <summary>Runs a script file or, with <c>-c</c>, code; returns stdout, throws with stderr on failure.</summary>
    public static string Run(params string[] args)
    {
        if (!File.Exists(Interpreter))
            throw new InvalidOperationException($"{Interpreter} is missing: apt-get install python3 python3-numpy python3-scipy python3-torch python3-h5py");
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python oracle timed out: {string.Join(' ', args)}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python oracle failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CultureNet.Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (CultureNet.Engine.sln) not found above " + AppContext.BaseDirectory);
    }
}
