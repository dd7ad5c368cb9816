using System.Diagnostics;

namespace CultureNet.Engine.IO;

/// <summary>A program run to its end with its output captured: sbatch, the PyTorch peers.</summary>
public static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <paramref name="file"/>; a program that cannot be started is a <see cref="CultureNetException"/>
    /// naming it, with <paramref name="whenMissing"/> saying what provides it.</summary>
    public static Outcome Run(string file, IEnumerable<string> arguments, string whenMissing)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new CultureNetException($"{file}: {e.Message} ({whenMissing})"); }
        using (process)
        {
            // Both pipes drained at once, so a child filling one while we wait on the other cannot block.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
