using System.CommandLine;
using System.Reflection;
using CultureNet.Engine;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>
/// <c>culturenet slurm</c>: the protocol as a Slurm job array (task I runs <c>protocol … --shard I/N</c>) plus a
/// finishing job that depends on it; prints the scripts or submits them. Options it does not know are protocol options
/// (--settings, --runs, --seed, …), checked here by the protocol command's own parser and passed to every job.
/// </summary>
public static class SlurmCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "feature store directory (on a file system every node sees)", Required = true };
        var output = new Option<string>("--out") { Description = "results folder shared by all jobs (on a file system every node sees)", Required = true };
        var shards = new Option<int>("--shards") { Description = "array tasks, each training one shard", Required = true };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition" };
        var time = new Option<string?>("--time") { Description = "time limit per job, e.g. 04:00:00" };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "cores per job (the engine uses them all; the same for every job)" };
        var memory = new Option<string?>("--mem") { Description = "memory per job, e.g. 16G" };
        var submit = new Option<bool>("--submit") { Description = "submit with sbatch (else print the scripts)" };
        // Protocol options like the others, declared here so --help names them: every job gets them as given. They are
        // only parsed here, not checked against this host (the login node may lack the compute nodes' bf16 or oneDNN).
        var engine = new EngineOptions();
        var command = new Command("slurm", "Write (or submit) Slurm jobs running the protocol in shards, then the reports; other options go to `culturenet protocol`")
        {
            store, output, shards, partition, time, cpus, memory, submit, engine.Backend, engine.Precision,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var protocolArguments = r.UnmatchedTokens.ToList();
            if (engine.BackendOf(r) is { } backend) protocolArguments.AddRange(["--backend", backend]);
            if (r.GetResult(engine.Precision) is { Implicit: false }) protocolArguments.AddRange(["--precision", engine.PolicyOf(r).Name]);
            CheckProtocolArguments(r.GetValue(store)!, r.GetValue(output)!, protocolArguments.ToArray());
            var request = new SlurmJobRequest(Culturenet(), r.GetValue(store)!, r.GetValue(output)!, r.GetValue(shards), protocolArguments.ToArray())
            {
                Partition = r.GetValue(partition), Time = r.GetValue(time), CpusPerTask = r.GetValue(cpus), Memory = r.GetValue(memory),
            };
            var files = SlurmJobs.Write(request);
            if (!r.GetValue(submit))
            {
                foreach (var script in new[] { files.ArrayScript, files.FinishScript })
                    Console.WriteLine($"# {script}\n{File.ReadAllText(script)}");
                Console.WriteLine($"submit: id=$(sbatch --parsable {files.ArrayScript}) && sbatch --dependency=afterok:$id {files.FinishScript}");
                return 0;
            }
            files = SlurmJobs.Submit(files);
            Console.WriteLine($"submitted: array job {files.ArrayJob} ({request.Shards} tasks), finishing job {files.FinishJob} (afterok:{files.ArrayJob})");
            Console.WriteLine($"results: {Path.GetFullPath(request.ResultsFolder)} (UNFINISHED until the finishing job has written the reports)");
            return 0;
        }));
        return command;
    }

    /// <summary>Refuses, now rather than on the nodes, protocol options that `culturenet protocol` would refuse to parse.</summary>
    private static void CheckProtocolArguments(string store, string output, string[] arguments)
    {
        if (arguments.Contains("--shard")) throw new CultureNetException("--shard: set by the job array; use --shards N");
        var parsed = ProtocolCommand.Create().Parse(["--store", store, "--out", output, .. arguments]);
        if (parsed.Errors.Count > 0)
            throw new CultureNetException($"protocol options '{string.Join(' ', arguments)}': {parsed.Errors[0].Message}");
    }

    /// <summary>How a job starts this same culturenet: the apphost, or `dotnet culturenet.dll`.</summary>
    private static string Culturenet()
    {
        string process = Environment.ProcessPath ?? "culturenet";
        string entry = Assembly.GetEntryAssembly()!.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? $"{SlurmJobs.Quote(process)} {SlurmJobs.Quote(entry)}"
            : SlurmJobs.Quote(process);
    }
}
