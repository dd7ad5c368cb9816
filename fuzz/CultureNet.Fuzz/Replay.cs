using System.Diagnostics;
using CultureNet.Engine;

namespace CultureNet.Fuzz;

/// <summary>
/// The CI replay: every corpus file of a target, then <c>mutations</c> fresh deterministic mutants of them, each run with
/// a per-input time limit on its own thread. Any exception but the documented <see cref="CultureNetException"/>, or an
/// input that runs past the limit, is a failure: the input is saved under FINDINGS/TARGET/ and the run fails.
/// </summary>
public static class Replay
{
    public sealed record Outcome(string Target, int Executions, int Refused, int Failures, TimeSpan Elapsed);

    public static Outcome Run(Target target, string corpusDir, string findingsDir, int mutations, int seed, TimeSpan perInput)
    {
        string folder = Path.Combine(corpusDir, target.Name);
        var seeds = Directory.Exists(folder)
            ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList()
            : [];
        if (seeds.Count == 0) throw new InvalidOperationException($"{folder}: no seed inputs for target {target.Name}");
        string work = Path.Combine(Path.GetTempPath(), $"culturenet-fuzz-{Environment.ProcessId}-{target.Name}");
        Directory.CreateDirectory(work);
        var mutator = new Mutator(seed);
        int executions = 0, refused = 0, failures = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < seeds.Count + mutations; i++)
            {
                var input = i < seeds.Count ? seeds[i] : mutator.Mutate(seeds[i % seeds.Count], seeds);
                var (failure, wasRefused) = RunOne(target, input, work, perInput);
                executions++;
                if (wasRefused) refused++;
                if (failure is null) continue;
                failures++;
                Directory.CreateDirectory(Path.Combine(findingsDir, target.Name));
                string saved = Path.Combine(findingsDir, target.Name, $"{(failure.StartsWith("hang") ? "hang" : "crash")}-{seed}-{i}");
                File.WriteAllBytes(saved, input);
                Console.Error.WriteLine($"FAIL {target.Name} input {i} ({saved}): {failure}");
                if (failure.StartsWith("hang")) break; // its thread is still running: stop here
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        return new Outcome(target.Name, executions, refused, failures, clock.Elapsed);
    }

    /// <summary>Null when the input was accepted or cleanly refused; else what went wrong.</summary>
    private static (string? Failure, bool Refused) RunOne(Target target, byte[] input, string work, TimeSpan limit)
    {
        Exception? error = null;
        bool refused = false;
        var thread = new Thread(() =>
        {
            try { refused = target.Run(input, work); }
            catch (Exception e) { error = e; }
        }, maxStackSize: 64 << 20) { IsBackground = true };
        thread.Start();
        if (!thread.Join(limit)) return ($"hang: still running after {limit.TotalSeconds:F0} s", false);
        return error is null ? (null, refused) : ($"{error.GetType().FullName}: {error.Message}\n{error.StackTrace}", false);
    }
}
