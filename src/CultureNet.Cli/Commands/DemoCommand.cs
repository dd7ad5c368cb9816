using System.CommandLine;
using CultureNet.Cli.Display;
using CultureNet.Engine.Sessions;

namespace CultureNet.Cli.Commands;

/// <summary>
/// <c>culturenet demo</c>, the main job on built-in data (<see cref="DemoSession"/>): generates a small SYNTHETIC cohort
/// (2 cultures × 15 children), runs the whole evaluation protocol (M1–M7, ME and the Fig. 3 analyses) with a few runs,
/// prints Table II and writes the figures. Resumable like <c>protocol</c>: run it again to continue an interrupted demo.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "folder for the synthetic store (store-FRAMESxDIM-seedS/) and the results (results-runsN/)", DefaultValueFactory = _ => "out/demo" };
        var runs = new Option<int>("--runs") { Description = "protocol runs", DefaultValueFactory = _ => 2 };
        var frames = new Option<int>("--frames") { Description = "frames per child of the synthetic cohort", DefaultValueFactory = _ => 500 };
        var dim = new Option<int>("--dim") { Description = "feature dimension of the synthetic cohort", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "seed of the cohort and of the protocol", DefaultValueFactory = _ => 1 };
        var conventions = ProtocolCommand.ConventionsOption();
        var jobs = ProtocolCommand.JobsOption();
        var engine = new EngineOptions();
        var command = new Command("demo", "Run the whole protocol on a small generated (SYNTHETIC) cohort: Table II and Fig. 3")
        {
            output, runs, frames, dim, seed, conventions, jobs, engine.Backend, engine.Precision,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var options = new DemoOptions
            {
                Folder = r.GetValue(output)!, Runs = r.GetValue(runs), Frames = r.GetValue(frames), Dim = r.GetValue(dim), Seed = r.GetValue(seed),
                Conventions = ProtocolCommand.ParseConventions(r.GetValue(conventions)!), Backend = engine.BackendOf(r), DtypePolicy = engine.PolicyOf(r), Jobs = r.GetValue(jobs),
            };
            var demo = DemoSession.Run(options, Console.WriteLine, body => ProtocolProgressBar.Run("protocol", body));
            ProtocolCommand.Report(demo.Protocol, demo.ResultsFolder);
            return 0;
        }));
        return command;
    }
}
