using System.Buffers.Binary;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

/// <summary>
/// Store format version 3: the header checksum covers the whole 4096-byte header (all but the checksum field), so a
/// flip anywhere in the header is a checksum mismatch. Versions 1 and 2 (written by earlier engines: the same layout,
/// checksum over bytes 0…47) still open; their bytes 56…4095 must be zero. (Before: stores were version 1/2 and a flip
/// in bytes 56…4095 opened and verified without a word.)
/// </summary>
public sealed class StoreVersionTests
{
    private static string StoreFile(TempDir dir, params float[] labels) =>
        Path.Combine(UnlabelledStores.Write(dir.File("s"), labels), StoreLayout.FileName);

    private static uint VersionOf(string file) => BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(file).AsSpan(StoreLayout.VersionOffset));

    /// <summary>Rewrites a store as an earlier engine wrote it: the version field and the checksum of bytes 0…47 are the
    /// only differences (the layout, the metadata and the feature checksums are the same in every version).</summary>
    private static void MakeVersion(string file, uint version)
    {
        var bytes = File.ReadAllBytes(file);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(StoreLayout.VersionOffset), version);
        StoreLayout.Reseal(bytes);
        File.WriteAllBytes(file, bytes);
    }

    private static void Flip(string file, int offset)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(file, bytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(56)]
    [InlineData(1000)]
    [InlineData(4095)]
    public void AFlipAnywhereInAVersion3HeaderIsAChecksumMismatch(int offset)
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, 0.5f, -0.25f);
        Assert.Equal(3u, VersionOf(file));
        Flip(file, offset);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(Path.GetDirectoryName(file)!));
        Assert.StartsWith(file, e.Message);
        Assert.True(e.Message.Contains("header checksum mismatch") || e.Message.Contains("not a CultureNet feature store"), e.Message);
    }

    [Fact]
    public void TheVersionFieldIsUnderTheChecksumToo()
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, 0.5f);
        var bytes = File.ReadAllBytes(file);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(StoreLayout.VersionOffset), 2); // no reseal
        File.WriteAllBytes(file, bytes);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(Path.GetDirectoryName(file)!));
        Assert.Contains("header checksum mismatch", e.Message);
    }

    [Theory]
    [InlineData(1u, new[] { 0.5f, -0.25f }, 0)]
    [InlineData(2u, new[] { 0.5f, float.NaN }, 1)]
    public void Version1And2StoresStillOpenAndVerify(uint version, float[] labels, int unlabelled)
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, labels);
        MakeVersion(file, version);
        using var store = FeatureStore.Open(Path.GetDirectoryName(file)!, verifyChecksums: true);
        Assert.Equal(version, store.FormatVersion);
        Assert.Equal(labels.Length, store.RowCount);
        Assert.Equal(unlabelled, store.UnlabelledRows);
    }

    [Theory]
    [InlineData(1u, 56)]
    [InlineData(1u, 4095)]
    [InlineData(2u, 1000)]
    public void AnOldVersionWithAByteSetBeyondItsChecksumIsRefusedNamingTheByte(uint version, int offset)
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, version == 2 ? [0.5f, float.NaN] : [0.5f]);
        MakeVersion(file, version);
        Flip(file, offset);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(Path.GetDirectoryName(file)!));
        Assert.Contains($"header byte {offset} is 0x01", e.Message);
        Assert.Contains($"version {version} header are always zero", e.Message);
    }

    [Fact]
    public void AnOldVersionWhoseChecksumFailsIsRefused()
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, 0.5f);
        MakeVersion(file, 1);
        Flip(file, 20); // the dtype field, inside bytes 0…47
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(Path.GetDirectoryName(file)!));
        Assert.Contains("header checksum mismatch", e.Message);
    }

    [Fact]
    public void AnUnknownVersionIsRefusedNamingTheKnownOnes()
    {
        using var dir = new TempDir();
        string file = StoreFile(dir, 0.5f);
        MakeVersion(file, 4);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(Path.GetDirectoryName(file)!));
        Assert.Contains("format version 4; this engine reads versions 1, 2 and 3", e.Message);
    }
}
