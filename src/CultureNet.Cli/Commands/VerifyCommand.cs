using CultureNet.Cli.Display;
using System.CommandLine;
using CultureNet.Engine;
using CultureNet.Engine.Data;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet verify DIR</c>: checks every checksum of a feature store; exit code 1 when anything is wrong.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var store = new Argument<string>("store") { Description = "feature store directory" };
        var command = new Command("verify", "Check a feature store's header, metadata and feature checksums") { store };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            using var s = FeatureStore.Open(parse.GetValue(store)!);
            long rowBytes = (long)s.Dim * s.DType.ElementSize();
            IReadOnlyList<string> problems = [];
            RowProgressDisplay.Run("verify", p =>
            {
                long bytes = 0;
                problems = s.VerifyFeatureChecksums(new SyncProgress<long>(n => p.Report(new RowProgress((bytes += n) / rowBytes, s.RowCount))));
            });
            if (problems.Count > 0)
            {
                foreach (var problem in problems.Skip(1)) Console.Error.WriteLine($"error: {s.FilePath}: {problem}");
                throw new CultureNetException($"{s.FilePath}: {problems[0]}");
            }
            Console.WriteLine($"OK: {s.FilePath}: {s.RowCount:N0} rows, {s.ChildBlocks.Count} children; header, metadata and feature checksums match" +
                (s.IsSynthetic ? " (SYNTHETIC data)" : ""));
            return 0;
        }));
        return command;
    }
}
