using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Reliability;

/// <summary>A flipped feature byte is noticed by `info` and stops `protocol` naming the child, before any result is
/// written. (Before: both went on; protocol wrote Table II from the corrupt features.)</summary>
public class CorruptFeaturesTests
{
    private static string CorruptStore(TempDir dir)
    {
        string store = FaultFixtures.SmallStore(dir);
        string file = Path.Combine(store, "features.cnstore");
        var bytes = File.ReadAllBytes(file);
        bytes[4096 + 8 * 4 * 70 + 3] ^= 0x10; // a feature byte of row 70 (the second child of C0)
        File.WriteAllBytes(file, bytes);
        return store;
    }

    [Fact]
    public void InfoReportsCorruptFeatures()
    {
        using var dir = new TempDir();
        string store = CorruptStore(dir);
        var r = CliProcess.Run("info", store);
        string line = FaultFixtures.AssertOneCleanError(r, "info");
        Assert.Contains("feature checksum mismatch in culture C0", line);
    }

    [Fact]
    public void ProtocolStopsNamingTheChildBeforeWritingResults()
    {
        using var dir = new TempDir();
        string store = CorruptStore(dir);
        string results = dir.File("results");
        var r = CliProcess.Run("protocol", "--store", store, "--out", results, "--runs", "1", "--settings", "ME");
        string line = FaultFixtures.AssertOneCleanError(r, "protocol");
        Assert.Contains("child", line);
        Assert.Contains("rows 60", line);
        Assert.False(File.Exists(Path.Combine(results, "table2.md")));
    }
}

/// <summary>Header bytes 56…4095 are under the header checksum (store version 3). (Before: a flip there passed
/// `verify`.) Stores of versions 1 and 2, whose checksum covers bytes 0…47 only: StoreVersionTests.</summary>
public class StoreReservedHeaderTests
{
    [Theory]
    [InlineData(56)]
    [InlineData(1000)]
    [InlineData(4095)]
    public void VerifyNoticesAFlipInTheReservedHeaderBytes(int offset)
    {
        using var dir = new TempDir();
        string store = FaultFixtures.SmallStore(dir);
        string file = Path.Combine(store, "features.cnstore");
        var bytes = File.ReadAllBytes(file);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        string line = FaultFixtures.AssertOneCleanError(CliProcess.Run("verify", store), "verify");
        Assert.Contains("header checksum mismatch", line);
    }
}
