using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>Unlabelled rows through the real commands: `extract` of a flat folder makes them, `protocol` refuses them.</summary>
public sealed class UnlabelledStoreCommandTests
{
    [Fact]
    public void TheProtocolRefusesUnlabelledRowsNamingTheCount()
    {
        using var dir = new TempDir();
        string path = UnlabelledStores.Write(dir.File("b"), 0.5f, float.NaN, float.NaN, 0.1f);
        var r = CliProcess.Run("protocol", "--store", path, "--out", dir.File("results"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 of 4 rows have no label", r.Stderr);
        Assert.Contains("the protocol needs a label on every row", r.Stderr);
    }

    [Fact]
    public void ExtractReadsAFlatImageFolderWithoutLabels()
    {
        using var dir = new TempDir();
        string images = Directory.CreateDirectory(dir.File("img")).FullName;
        File.Copy(TestMedia.Photo("sunset.jpg"), Path.Combine(images, "b.jpg"));
        File.Copy(TestMedia.Astronaut, Path.Combine(images, "a.png"));
        File.WriteAllText(Path.Combine(images, "notes.txt"), "x");
        var r = CliProcess.Run("extract", "--images", images, "--culture", "C1", "--child", "4", "--out", dir.File("store"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var store = FeatureStore.Open(dir.File("store"));
        Assert.Equal(2, store.RowCount);
        Assert.Equal(2, store.UnlabelledRows);
        Assert.Equal(new byte[] { 1, 1 }, store.Cultures.ToArray());
        Assert.Equal(new[] { 4, 4 }, store.Children.ToArray());
        Assert.Equal(new[] { 0, 1 }, store.Frames.ToArray()); // a.png, then b.jpg
    }
}
