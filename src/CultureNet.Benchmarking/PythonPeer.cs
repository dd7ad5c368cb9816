using System.Diagnostics;
using CultureNet.Engine;

namespace CultureNet.Benchmarking;

/// <summary>The PyTorch peers under tools/bench/, run with Debian's interpreter (python3-torch 1.13).</summary>
public static class PythonPeer
{
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary><paramref name="value"/> "none": no peer (null); "auto": tools/bench/<paramref name="script"/> of the
    /// checkout above the running binary; otherwise a path to the script.</summary>
    public static string? Locate(string value, string script)
    {
        if (value == "none") return null;
        if (value != "auto") return File.Exists(value) ? Path.GetFullPath(value) : throw new CultureNetException($"--torch {value}: no such file");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "bench", script);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CultureNetException($"--torch auto: tools/bench/{script} not found above the culturenet binary; pass --torch PATH or --torch none");
    }

    /// <summary>Runs the script and returns its standard output; a failure is one message with its last error line.</summary>
    public static string Run(string python, string script, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new CultureNetException($"{python}: {e.Message} (Debian's python3 with python3-torch runs the peer)"); }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new CultureNetException($"{script}: exit {process.ExitCode}: {stderr.Result.Trim().Split('\n')[^1]}");
            return stdout.Result;
        }
    }

    /// <summary>The value of a <c>key=value</c> line of a peer's output.</summary>
    public static string Value(string output, string key) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal)) is { } line
            ? line[(key.Length + 1)..]
            : throw new CultureNetException($"the PyTorch peer printed no {key}= line");
}
