using System.Diagnostics;

namespace CultureNet.Engine.Tests.Data;

/// <summary>
/// Debian's /usr/bin/python3 with NumPy as an independent reference in tests (never a runtime dependency).
/// Tests that need it return early where it is missing, so the suite still runs on machines without it.
/// </summary>
public static class PythonOracle
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<bool> HasNumpy = new(() => File.Exists(Python) && Run("import numpy", out _) == 0);

    public static bool Available => HasNumpy.Value;

    public static int Run(string script, out string output)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        return p.ExitCode;
    }

    public static string Check(string script)
    {
        int rc = Run(script, out string output);
        Assert.True(rc == 0, $"python oracle failed:\n{output}");
        return output;
    }
}
