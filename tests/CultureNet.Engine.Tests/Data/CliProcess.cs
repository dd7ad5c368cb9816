using System.Diagnostics;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Runs the built <c>culturenet</c> CLI (culturenet.dll is copied next to the test assembly) as a real process.</summary>
public static class CliProcess
{
    public static string DllPath
    {
        get
        {
            string next = Path.Combine(AppContext.BaseDirectory, "culturenet.dll");
            if (File.Exists(next)) return next;
            throw new FileNotFoundException($"culturenet.dll not found next to the tests ({AppContext.BaseDirectory}); build src/CultureNet.Cli");
        }
    }

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var p = Start(args);
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"culturenet {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, stdout, stderr.Result);
    }
}
