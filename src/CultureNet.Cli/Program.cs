using System.CommandLine;

namespace CultureNet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("culturenet — engagement estimation engine (CultureNet reproduction)");
        // One file per command under Commands/; each returns its System.CommandLine Command.
        root.Subcommands.Add(Commands.SynthCommand.Create());
        root.Subcommands.Add(Commands.ImportCommand.Create());
        root.Subcommands.Add(Commands.ExportCommand.Create());
        root.Subcommands.Add(Commands.InfoCommand.Create());
        root.Subcommands.Add(Commands.VerifyCommand.Create());
        return CliRunner.Run(root, args);
    }
}
