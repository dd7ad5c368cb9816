using System.Buffers.Binary;
using CultureNet.Engine.Data;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Stores with unlabelled rows (NaN labels): flag 2 (version 3; earlier engines wrote them as version 2, and
/// labelled stores as version 1).</summary>
public sealed class UnlabelledStoreTests
{
    private static string Write(TempDir dir, string name, params float[] labels) => UnlabelledStores.Write(dir.File(name), labels);

    private static (uint Version, uint Flags) Header(string store)
    {
        var bytes = File.ReadAllBytes(Path.Combine(store, StoreLayout.FileName));
        return (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(36)));
    }

    [Fact]
    public void UnlabelledRowsSetFlag2AndLabelledOnesDoNot()
    {
        using var dir = new TempDir();
        string labelled = Write(dir, "a", 0.5f, -0.25f);
        Assert.Equal((3u, 0u), Header(labelled));
        using (var s = FeatureStore.Open(labelled)) Assert.Equal(0, s.UnlabelledRows);

        string mixed = Write(dir, "b", 0.5f, float.NaN, float.NaN);
        Assert.Equal((3u, 2u), Header(mixed));
        using var store = FeatureStore.Open(mixed, verifyChecksums: true);
        Assert.Equal(2, store.UnlabelledRows);
        Assert.True(float.IsNaN(store.Labels[1]));
        Assert.Equal(0.5f, store.Labels[0]);
    }

    [Fact]
    public void AHeaderWhoseFlagAndVersionDisagreeIsRefused()
    {
        using var dir = new TempDir();
        string path = Path.Combine(Write(dir, "a", 0.5f), StoreLayout.FileName);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(StoreLayout.VersionOffset), 2); // version 2 without flag 2
        StoreLayout.Reseal(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(path));
        Assert.Contains("inconsistent", e.Message);
    }

    [Fact]
    public void TrainingRefusesUnlabelledRowsNamingTheStoreAndTheCount()
    {
        using var dir = new TempDir();
        string path = Write(dir, "b", 0.5f, float.NaN, float.NaN, 0.1f);
        using var store = FeatureStore.Open(path);
        var e = Assert.Throws<CultureNetException>(() => new GenNetTrainer(store));
        Assert.Contains(store.FilePath, e.Message);
        Assert.Contains("2 of 4 rows have no label", e.Message);
    }
}
