using CultureNet.Engine;
using CultureNet.Engine.IO;

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
        var run = ChildProcess.Run(python, [script, .. arguments], "Debian's python3 with python3-torch runs the peer");
        if (run.ExitCode != 0)
            throw new CultureNetException($"{script}: exit {run.ExitCode}: {run.Stderr.Trim().Split('\n')[^1]}");
        return run.Stdout;
    }

    /// <summary>The value of a <c>key=value</c> line of a peer's output.</summary>
    public static string Value(string output, string key) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal)) is { } line
            ? line[(key.Length + 1)..]
            : throw new CultureNetException($"the PyTorch peer printed no {key}= line");
}
