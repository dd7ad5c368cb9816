using CultureNet.Fuzz;
using SharpFuzz;

// culturenet-fuzz: fuzz targets for every parser of untrusted input (docs/fuzzing.md).
//   targets                                        list the targets
//   seeds DIR                                      write the tool-made seed corpus to DIR/TARGET/
//   replay CORPUS FINDINGS [--mutations N] [--seed S] [--timeout-ms T] [TARGET...]
//                                                  seeds plus N deterministic mutants per target (CI); exit 1 on any failure
//   run TARGET FILE...                             run inputs once (reproduce a finding; exceptions are printed)
//   afl TARGET                                     the AFL++ loop, out of process (tools/fuzz/campaign.sh runs it under afl-fuzz)
return args.FirstOrDefault() switch
{
    "targets" => List(),
    "seeds" when args.Length == 2 => SeedsCommand(args[1]),
    "replay" when args.Length >= 3 => ReplayCommand(args[1], args[2], args[3..]),
    "run" when args.Length >= 3 => RunCommand(Target.Named(args[1]), args[2..]),
    "afl" when args.Length == 2 => Afl(Target.Named(args[1])),
    _ => Usage(),
};

static int List()
{
    foreach (var t in Target.All) Console.WriteLine($"{t.Name,-12} {t.Describe}");
    return 0;
}

static int SeedsCommand(string dir)
{
    Console.WriteLine($"{Seeds.Write(dir)} tool-made seeds written to {dir}");
    return 0;
}

static int ReplayCommand(string corpus, string findings, string[] rest)
{
    int mutations = 2000, seed = 1, timeoutMs = 10_000;
    var names = new List<string>();
    for (int i = 0; i < rest.Length; i++)
    {
        switch (rest[i])
        {
            case "--mutations": mutations = int.Parse(rest[++i]); break;
            case "--seed": seed = int.Parse(rest[++i]); break;
            case "--timeout-ms": timeoutMs = int.Parse(rest[++i]); break;
            default: names.Add(rest[i]); break;
        }
    }
    var targets = names.Count == 0 ? Target.All : names.Select(Target.Named).ToList();
    int failures = 0, executions = 0;
    foreach (var target in targets)
    {
        var o = Replay.Run(target, corpus, findings, mutations, seed, TimeSpan.FromMilliseconds(timeoutMs));
        Console.WriteLine($"{o.Target,-12} {o.Executions,7} inputs ({o.Refused} refused cleanly) in {o.Elapsed.TotalSeconds,6:F1} s, {o.Failures} failures");
        failures += o.Failures;
        executions += o.Executions;
        if (o.Failures > 0 && o.Executions < mutations) break; // a hang leaves a thread running
    }
    Console.WriteLine($"replay: {executions} inputs, {failures} failures (crash, hang or unexpected exception)");
    return failures == 0 ? 0 : 1;
}

static int RunCommand(Target target, string[] files)
{
    string work = Path.Combine(Path.GetTempPath(), $"culturenet-fuzz-run-{Environment.ProcessId}");
    int bad = 0;
    foreach (var file in files)
    {
        try { Console.WriteLine($"{file}: {(target.Run(File.ReadAllBytes(file), work) ? "refused cleanly" : "accepted")}"); }
        catch (Exception e) { bad++; Console.WriteLine($"{file}: FAIL {e}"); }
    }
    return bad == 0 ? 0 : 1;
}

static int Afl(Target target)
{
    string work = Path.Combine(Path.GetTempPath(), $"culturenet-fuzz-afl-{Environment.ProcessId}");
    // Out of process: the targets run in a child that SharpFuzz restarts when it dies. With the in-process loop
    // (Fuzzer.Run) this process is AFL's fork server too, so the first input AFL kills for its time limit (or one that
    // ends the process) took the fork server with it: the h5-weights campaign stopped after a few thousand
    // executions with "Unable to communicate with fork server".
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray(), work);
    });
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: culturenet-fuzz targets | seeds DIR | replay CORPUS FINDINGS [--mutations N] [--seed S] [--timeout-ms T] [TARGET...] | run TARGET FILE... | afl TARGET");
    return 2;
}
