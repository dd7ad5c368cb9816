using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet protocol` on bad input: one clear line on stderr, exit code 1, nothing half-written.</summary>
public class ProtocolCommandTests
{
    /// <summary>A tiny store: every (culture, child) gets <paramref name="frames"/>(child) frames of 4 features.</summary>
    private static string Store(TempDir dir, IEnumerable<(byte Culture, int Child)> children, Func<int, int> frames)
    {
        string path = dir.File("store");
        using var writer = FeatureStoreWriter.Create(path, 4);
        var random = new Random(1);
        foreach (var (culture, child) in children)
            for (int f = 0; f < frames(child); f++)
                writer.Append(culture, child, f, (float)random.NextDouble(), [1, 2, 3, (float)random.NextDouble()]);
        writer.Finish();
        return path;
    }

    private static CliProcess.Result Protocol(TempDir dir, string store, params string[] more) =>
        CliProcess.Run(["protocol", "--store", store, "--out", dir.File("out"), "--runs", "1", .. more]);

    [Fact]
    public void A_store_with_one_culture_is_refused()
    {
        using var dir = new TempDir();
        var r = Protocol(dir, Store(dir, [(0, 1), (0, 2), (0, 3)], _ => 20));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the protocol needs two cultures, but the store holds only culture C0", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_child_with_too_few_frames_for_a_20_80_split_is_refused()
    {
        using var dir = new TempDir();
        var r = Protocol(dir, Store(dir, [(0, 1), (0, 2), (1, 3), (1, 4)], child => child == 4 ? 6 : 20));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("child C1/4 has 6 frames; a 20/80 split needs at least 10", r.Stderr);
    }

    [Fact]
    public void Unknown_settings_and_split_modes_are_refused()
    {
        using var dir = new TempDir();
        string store = Store(dir, [(0, 1), (0, 2), (1, 3), (1, 4)], _ => 20);
        var settings = Protocol(dir, store, "--settings", "M1,M9");
        Assert.Equal(1, settings.ExitCode);
        Assert.Contains("unknown setting 'M9'", settings.Stderr);
        var split = Protocol(dir, store, "--split", "shuffled");
        Assert.Equal(1, split.ExitCode);
        Assert.Contains("--split 'shuffled': expected contiguous or random", split.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Reference_conventions_refuse_unequal_cultures_and_the_random_split()
    {
        using var dir = new TempDir();
        var unequal = Protocol(dir, Store(dir, [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5)], _ => 20));
        Assert.Equal(1, unequal.ExitCode);
        Assert.Contains("the released code pairs the cultures' children by position, but culture C0 has 3 children and culture C1 has 2 children", unequal.Stderr);
        Assert.Single(unequal.Stderr.Trim().Split('\n'));
        string store = Store(dir, [(0, 1), (0, 2), (1, 3), (1, 4)], _ => 20);
        var random = Protocol(dir, store, "--split", "random");
        Assert.Equal(1, random.ExitCode);
        Assert.Contains("--split random: the released code has no random split; use --conventions paper for it", random.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
        var conventions = Protocol(dir, store, "--conventions", "keras");
        Assert.Equal(1, conventions.ExitCode);
        Assert.Contains("--conventions 'keras': expected reference or paper", conventions.Stderr);
    }

    [Fact]
    public void A_restart_with_other_conventions_is_refused()
    {
        using var dir = new TempDir();
        string store = Store(dir, [(0, 1), (0, 2), (1, 3), (1, 4)], _ => 20);
        var first = Protocol(dir, store, "--settings", "ME", "--conventions", "paper");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var again = Protocol(dir, store, "--settings", "ME");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("this results folder was started with --conventions paper (now reference)", again.Stderr);
    }

    [Fact]
    public void A_missing_store_is_refused()
    {
        using var dir = new TempDir();
        var r = Protocol(dir, dir.File("nowhere"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nowhere", r.Stderr);
    }
}
