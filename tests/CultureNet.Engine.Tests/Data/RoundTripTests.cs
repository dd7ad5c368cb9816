using CultureNet.Engine.IO;
using CultureNet.Engine.Data;
using NumSharp;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

public class RoundTripTests
{
    [Fact]
    public void Reference_matrices_round_trip_bit_for_bit()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(childrenPerCulture: 3, frames: 40, dim: 12);
        rows.WriteReferenceNpy(tmp.File("data_0.npy"), 0);
        rows.WriteReferenceNpy(tmp.File("data_1.npy"), 1);
        StoreImporter.ImportReference([tmp.File("data_0.npy"), tmp.File("data_1.npy")], tmp.File("store"));
        using var store = FeatureStore.Open(tmp.File("store"), verifyChecksums: true);
        var written = StoreExporter.ExportReference(store, tmp.File("out"));
        Assert.Equal(2, written.Count);
        Assert.Equal(File.ReadAllBytes(tmp.File("data_0.npy")), File.ReadAllBytes(Path.Combine(tmp.File("out"), "data_0.npy")));
        Assert.Equal(File.ReadAllBytes(tmp.File("data_1.npy")), File.ReadAllBytes(Path.Combine(tmp.File("out"), "data_1.npy")));
    }

    [Fact]
    public void Features_with_metadata_round_trip_bit_for_bit_including_extreme_values()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 15, dim: 9, bigValues: true);
        rows.Features[0] = float.Epsilon; rows.Features[1] = -0f; rows.Features[2] = float.MaxValue; rows.Features[3] = 1e-30f;
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        StoreImporter.ImportFeaturesWithMetadata(tmp.File("X.npy"), tmp.File("meta.csv"), tmp.File("store"));
        using var store = FeatureStore.Open(tmp.File("store"));
        StoreExporter.ExportFeaturesWithMetadata(store, tmp.File("X2.npy"), tmp.File("meta2.csv"));
        Assert.Equal(File.ReadAllBytes(tmp.File("X.npy")), File.ReadAllBytes(tmp.File("X2.npy")));
        Assert.Equal(File.ReadAllText(tmp.File("meta.csv")), File.ReadAllText(tmp.File("meta2.csv")));
    }

    [Fact]
    public void Float16_store_round_trips_within_float16_rounding()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 15, dim: 33);
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        StoreImporter.ImportFeaturesWithMetadata(tmp.File("X.npy"), tmp.File("meta.csv"), tmp.File("store"), FeatureDType.Float16);
        using var store = FeatureStore.Open(tmp.File("store"), verifyChecksums: true);
        StoreExporter.ExportFeaturesWithMetadata(store, tmp.File("X2.npy"), tmp.File("meta2.csv"));
        using var back = NpyArrayReader.Open(tmp.File("X2.npy"));
        var x = new float[rows.Features.Length];
        Assert.Equal(rows.Count, back.ReadRows(x, rows.Count));
        for (int i = 0; i < x.Length; i++)
        {
            float original = rows.Features[i];
            Assert.Equal((float)(Half)original, x[i]); // exactly the nearest float16
            Assert.True(Math.Abs(x[i] - original) <= Math.Abs(original) * (1f / 2048) + 3e-8f, $"{original} → {x[i]}");
        }
        // A float16 export copies the stored halves unchanged.
        StoreExporter.ExportFeaturesWithMetadata(store, tmp.File("X3.npy"), tmp.File("meta3.csv"), NpyElement.Float16);
        using var halves = NpyArrayReader.Open(tmp.File("X3.npy"));
        Assert.Equal(NpyElement.Float16, halves.Element);
        var y = new float[x.Length];
        halves.ReadRows(y, rows.Count);
        Assert.Equal(x, y);
    }

    [Fact]
    public void Csv_import_matches_npy_import()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 6, dim: 3);
        using (var w = new StreamWriter(tmp.File("in.csv")))
        {
            w.WriteLine("culture,child,frame,f0,f1,f2,label");
            for (int i = rows.Count - 1; i >= 0; i--) // reverse order: the store regroups
                w.WriteLine(FormattableString.Invariant($"{rows.Cultures[i]},{rows.Children[i]},{rows.Frames[i]},{rows.Row(i)[0]:R},{rows.Row(i)[1]:R},{rows.Row(i)[2]:R},{rows.Labels[i]:R}"));
        }
        StoreImporter.ImportCsv(tmp.File("in.csv"), tmp.File("store"));
        using var store = FeatureStore.Open(tmp.File("store"));
        Assert.Equal(rows.Features, store.Features(0, rows.Count).ToArray());
        Assert.Equal(rows.Labels, store.Labels.ToArray());
    }

    [Fact]
    public void Npz_archives_are_read_by_array_name()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 5, dim: 4);
        rows.WriteReferenceNpy(tmp.File("data_0.npy"), 0);
        rows.WriteReferenceNpy(tmp.File("data_1.npy"), 1);
        using (var zip = System.IO.Compression.ZipFile.Open(tmp.File("data.npz"), System.IO.Compression.ZipArchiveMode.Create))
        {
            foreach (var (file, name) in new[] { ("data_0.npy", "c0.npy"), ("data_1.npy", "c1.npy") })
            {
                using var entry = zip.CreateEntry(name, System.IO.Compression.CompressionLevel.Fastest).Open();
                entry.Write(File.ReadAllBytes(tmp.File(file)));
            }
        }
        StoreImporter.ImportReference([tmp.File("data.npz")], tmp.File("store"));
        using var store = FeatureStore.Open(tmp.File("store"));
        Assert.Equal(rows.Features, store.Features(0, rows.Count).ToArray());
    }

    [Fact]
    public void Our_npy_files_are_byte_identical_to_numpy_and_read_by_numpy_and_numsharp()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 7, dim: 5);
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));

        // NumSharp, an independent reader, sees the same values.
        var nd = np.load_npy(tmp.File("X.npy"));
        Assert.Equal(new long[] { rows.Count, rows.Dim }, nd.shape.Select(v => (long)v));
        Assert.Equal(rows.Features, nd.ToArray<float>());
        // …and NumSharp's own np.save writes the same bytes as our writer.
        np.save(tmp.File("numsharp.npy"), nd);
        Assert.Equal(File.ReadAllBytes(tmp.File("X.npy")), File.ReadAllBytes(tmp.File("numsharp.npy")));

        string x = tmp.File("X.npy"), y = tmp.File("numpy.npy");
        Python.Run("-c", $"import numpy as np; a = np.load('{x}'); np.save('{y}', a); assert a.dtype == np.float32 and a.shape == ({rows.Count}, {rows.Dim})");
        Assert.Equal(File.ReadAllBytes(y), File.ReadAllBytes(x));
    }

    [Fact]
    public void Numpy_written_float64_and_float16_inputs_import_correctly()
    {
        using var tmp = new TempDir();
        // The reference's pickles hold float64 matrices; float16 X is a feature extractor's half-precision output.
        Python.Run("-c", $@"
import numpy as np
rng = np.random.default_rng(3)
n, d = 40, 6
m = np.zeros((n, d + 4))
m[:, 0] = 1; m[:, 1] = np.repeat([2, 5], n // 2); m[:, 2] = np.tile(np.arange(n // 2), 2)
m[:, 3:-1] = rng.normal(size=(n, d)); m[:, -1] = rng.uniform(-1, 1, n)
np.save('{tmp.File("data_1.npy")}', m)
np.save('{tmp.File("X16.npy")}', m[:, 3:-1].astype(np.float16))
np.savez_compressed('{tmp.File("X.npz")}', X=m[:, 3:-1].astype(np.float32), other=np.zeros(3))
with open('{tmp.File("meta.csv")}', 'w') as f:
    f.write('culture,child,frame,label\n')
    for r in m: f.write(f'{{int(r[0])}},{{int(r[1])}},{{int(r[2])}},{{np.float32(r[-1])!r}}\n')
");
        StoreImporter.ImportReference([tmp.File("data_1.npy")], tmp.File("ref"));
        StoreImporter.ImportFeaturesWithMetadata(tmp.File("X16.npy"), tmp.File("meta.csv"), tmp.File("half"), FeatureDType.Float16);
        StoreImporter.ImportFeaturesWithMetadata(tmp.File("X.npz"), tmp.File("meta.csv"), tmp.File("npz"), npzKey: "X");
        using var reference = FeatureStore.Open(tmp.File("ref"));
        using var half = FeatureStore.Open(tmp.File("half"));
        using var npz = FeatureStore.Open(tmp.File("npz"));
        Assert.Equal(new[] { 2, 5 }, reference.ChildBlocks.Select(c => c.Child));
        Assert.Equal(reference.Features(0, 40).ToArray(), npz.Features(0, 40).ToArray());
        Assert.Equal(reference.Labels.ToArray(), half.Labels.ToArray());
        var widened = new float[40 * 6];
        half.GatherRows(Enumerable.Range(0, 40).Select(i => (long)i).ToArray(), widened);
        Assert.Equal(reference.Features(0, 40).ToArray().Select(v => (float)(Half)v), widened);

        StoreExporter.ExportReference(reference, tmp.File("out"), NpyElement.Float64);
        Python.Run("-c", $"import numpy as np; a = np.load('{tmp.File("data_1.npy")}'); b = np.load('{Path.Combine(tmp.File("out"), "data_1.npy")}'); " +
            "assert b.dtype == np.float64; assert (b[:, :3] == a[:, :3]).all(); assert (b[:, 3:] == a[:, 3:].astype(np.float32)).all()");
    }
}
