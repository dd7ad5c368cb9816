using CultureNet.Cli.Commands;
using System.CommandLine;

namespace CultureNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("culturenet — engagement estimation engine (CultureNet reproduction)");
        // One file per command under Commands/; each returns its System.CommandLine Command.
        root.Subcommands.Add(FitCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(SynthCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ExtractCommand.Create());
        root.Subcommands.Add(ExtractBenchCommand.Create());
        root.Subcommands.Add(ProtocolCommand.Create());
        root.Subcommands.Add(SlurmCommand.Create());
        root.Subcommands.Add(FacesCommand.Create());
        root.Subcommands.Add(EngagementCommand.Create());
        root.Subcommands.Add(FacesBenchCommand.Create());
        return CliRunner.Run(root, args);
    }
}
