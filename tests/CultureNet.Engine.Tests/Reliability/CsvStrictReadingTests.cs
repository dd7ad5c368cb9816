using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>A column named twice is refused naming it; a NUL in a path names the manifest line. (Before: the first
/// occurrence silently won, and "Null character in path." named neither file nor line.)</summary>
public class CsvStrictReadingTests
{
    [Fact]
    public void ManifestColumnGivenTwice()
    {
        using var dir = new TempDir();
        string manifest = dir.File("faces.csv");
        File.WriteAllText(manifest, "path,culture,child,frame,label,label\na.jpg,0,1,0,0.5,-0.5\n");
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.Load(manifest));
        Assert.Contains($"{manifest} line 1: column 'label' appears twice", e.Message);
    }

    [Fact]
    public void LabelsColumnGivenTwice()
    {
        using var dir = new TempDir();
        string labels = dir.File("labels.csv");
        File.WriteAllText(labels, "culture,child,Child,frame,label\n0,1,2,0,0.5\n");
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.LoadLabels(labels));
        Assert.Contains("column 'Child' appears twice", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MetadataCsvColumnGivenTwice()
    {
        using var dir = new TempDir();
        string meta = dir.File("meta.csv");
        File.WriteAllText(meta, "culture,child,frame,frame,label\n0,1,0,5,0.5\n");
        var e = Assert.Throws<CultureNetException>(() => StoreImporter.ReadMetadataCsv(meta));
        Assert.Contains($"{meta} line 1: column 'frame' appears twice", e.Message);
    }

    [Fact]
    public void NulInAManifestPathNamesTheLine()
    {
        using var dir = new TempDir();
        string manifest = dir.File("faces.csv");
        File.WriteAllText(manifest, "path,culture,child,frame,label\nok.jpg,0,1,0,0.5\nb\0d.jpg,0,1,1,0.5\n");
        var e = Assert.Throws<CultureNetException>(() => ImageManifest.Load(manifest));
        Assert.Contains($"{manifest} line 3", e.Message);
    }

    [Fact]
    public void FeaturesWithoutColumnsNameTheFile()
    {
        using var dir = new TempDir();
        string x = dir.File("x.npy"), meta = dir.File("meta.csv");
        File.WriteAllBytes(x, NpyStrictReadingTests.NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 0), }", []));
        File.WriteAllText(meta, "culture,child,frame,label\n0,1,0,0.5\n");
        var e = Assert.Throws<CultureNetException>(() => StoreImporter.ImportFeaturesWithMetadata(x, meta, dir.File("store")));
        Assert.StartsWith(x, e.Message);
    }
}
