using System.CommandLine;
using CultureNet.Engine;

namespace CultureNet.Cli;

/// <summary>Runs a parsed command and turns the engine's expected failures into one clear line and exit code 1.</summary>
public static class CliRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke();
        }
        catch (CultureNetException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Wraps a command body so user errors print cleanly instead of as a stack trace.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CultureNetException or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (CultureNet.Engine.IO.AtomicFile.FileSystemFault(e) is { } fault)
        {
            // A file-system error a library reported wrapped (reflection, tasks): still one line, no stack trace.
            Console.Error.WriteLine($"error: {fault.Message}");
            return 1;
        }
    }
}
