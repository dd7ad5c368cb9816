using CultureNet.Engine.IO;
using CultureNet.Engine.Data;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Bad input files: each fails with one clear error naming the file, the row and what was expected, and writes no store.</summary>
public class ImportValidationTests
{
    private static CultureNetException ImportFails(TempDir tmp, Action import)
    {
        var e = Assert.Throws<CultureNetException>(import);
        Assert.False(File.Exists(Path.Combine(tmp.File("store"), "features.cnstore")), "a failed import must not leave a store");
        if (Directory.Exists(tmp.File("store"))) Assert.Empty(Directory.GetFiles(tmp.File("store")));
        return e;
    }

    private static void ImportX(TempDir tmp) => StoreImporter.ImportFeaturesWithMetadata(tmp.File("X.npy"), tmp.File("meta.csv"), tmp.File("store"));

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_features(float bad, string shown)
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Features[17 * 4 + 2] = bad;
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains("X.npy row 17: feature 2 is " + shown, e.Message);
        Assert.Contains("finite", e.Message);
    }

    [Fact]
    public void Non_finite_features_in_the_reference_layout()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Features[3 * 4] = float.NaN;
        rows.WriteReferenceNpy(tmp.File("data_0.npy"), 0);
        var e = ImportFails(tmp, () => StoreImporter.ImportReference([tmp.File("data_0.npy")], tmp.File("store")));
        Assert.Contains("data_0.npy row 3: feature 0 is NaN", e.Message);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-1.0001f)]
    [InlineData(float.NaN)]
    public void Labels_outside_minus_one_to_one(float label)
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Labels[12] = label;
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains("meta.csv row 12: label", e.Message);
        Assert.Contains("outside [-1, 1]", e.Message);
    }

    [Fact]
    public void Labels_outside_range_in_the_reference_layout()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Labels[35] = 2f;
        rows.WriteReferenceNpy(tmp.File("data_1.npy"), 1);
        var e = ImportFails(tmp, () => StoreImporter.ImportReference([tmp.File("data_1.npy")], tmp.File("store")));
        Assert.Contains("data_1.npy row 5: label 2 is outside [-1, 1]", e.Message);
    }

    [Fact]
    public void Duplicate_culture_child_frame_rows()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Frames[7] = rows.Frames[3];
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains($"X.npy row 7: duplicate row (culture 0, child 1, frame {rows.Frames[3]})", e.Message);
    }

    [Fact]
    public void Duplicate_rows_through_the_writer_api()
    {
        using var tmp = new TempDir();
        using var w = FeatureStoreWriter.Create(tmp.Path, 2);
        w.Append(0, 1, 5, 0.5f, [1f, 2f]);
        var e = Assert.Throws<CultureNetException>(() => w.Append(0, 1, 5, 0.1f, [3f, 4f]));
        Assert.Equal("duplicate row (culture 0, child 1, frame 5)", e.Message);
    }

    [Fact]
    public void Row_counts_of_features_and_metadata_differ()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        File.WriteAllLines(tmp.File("meta.csv"), File.ReadAllLines(tmp.File("meta.csv"))[..^2]);
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains($"X.npy has {rows.Count} rows but", e.Message);
        Assert.Contains($"meta.csv has {rows.Count - 2} data rows", e.Message);
    }

    [Fact]
    public void Unknown_culture_code()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.Cultures[4] = 2;
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains("meta.csv row 4: unknown culture code 2; expected 0 (Japan) or 1 (Serbia)", e.Message);

        var m = rows.ReferenceMatrix(0, out int n);
        m[(rows.Dim + 4) * 9] = 0.5f; // culture column of row 9 is not even a whole number
        using (var w = new NpyArrayWriter(tmp.File("data_0.npy"), NpyElement.Float32, n, rows.Dim + 4)) { w.WriteRows(m); w.Finish(); }
        e = ImportFails(tmp, () => StoreImporter.ImportReference([tmp.File("data_0.npy")], tmp.File("store")));
        Assert.Contains("data_0.npy row 9: unknown culture code 0.5", e.Message);

        using var writer = FeatureStoreWriter.Create(tmp.File("api"), 1);
        Assert.Contains("unknown culture code 7", Assert.Throws<CultureNetException>(() => writer.Append(7, 1, 1, 0, [1f])).Message);
    }

    [Fact]
    public void Truncated_npy_file()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 4);
        rows.WriteFeaturesAndMetadata(tmp.File("X.npy"), tmp.File("meta.csv"));
        using (var fs = new FileStream(tmp.File("X.npy"), FileMode.Open)) fs.SetLength(fs.Length - 7);
        var e = ImportFails(tmp, () => ImportX(tmp));
        Assert.Contains("X.npy: truncated", e.Message);

        using (var fs = new FileStream(tmp.File("X.npy"), FileMode.Open)) fs.SetLength(40);
        Assert.Contains("X.npy: truncated", ImportFails(tmp, () => ImportX(tmp)).Message);
    }

    [Fact]
    public void Not_an_npy_file_and_unsupported_npy_variants()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("X.npy"), "hello");
        File.WriteAllText(tmp.File("meta.csv"), "culture,child,frame,label\n0,1,1,0\n");
        Assert.Contains("not a .npy file", ImportFails(tmp, () => ImportX(tmp)).Message);

        var header = NpyFormat.WriteHeader(NpyElement.Float32, [1, 2]);
        var text = System.Text.Encoding.Latin1.GetString(header).Replace("False", "True ");
        File.WriteAllBytes(tmp.File("X.npy"), [.. System.Text.Encoding.Latin1.GetBytes(text), .. new byte[8]]);
        Assert.Contains("Fortran-ordered", ImportFails(tmp, () => ImportX(tmp)).Message);

        text = System.Text.Encoding.Latin1.GetString(header).Replace("<f4", ">f4");
        File.WriteAllBytes(tmp.File("X.npy"), [.. System.Text.Encoding.Latin1.GetBytes(text), .. new byte[8]]);
        Assert.Contains("dtype '>f4' is not supported", ImportFails(tmp, () => ImportX(tmp)).Message);
    }

    [Fact]
    public void Reference_matrix_with_too_few_columns_or_different_widths()
    {
        using var tmp = new TempDir();
        using (var w = new NpyArrayWriter(tmp.File("a.npy"), NpyElement.Float32, 2, 4)) { w.WriteRows(new float[8]); w.Finish(); }
        Assert.Contains("expected a 2-D matrix with columns [culture, child, frame, f1 … fD, label]",
            ImportFails(tmp, () => StoreImporter.ImportReference([tmp.File("a.npy")], tmp.File("store"))).Message);

        TestRows.Make(frames: 3, dim: 4).WriteReferenceNpy(tmp.File("data_0.npy"), 0);
        TestRows.Make(frames: 3, dim: 5).WriteReferenceNpy(tmp.File("data_1.npy"), 1);
        Assert.Contains("5 feature columns, but",
            ImportFails(tmp, () => StoreImporter.ImportReference([tmp.File("data_0.npy"), tmp.File("data_1.npy")], tmp.File("store"))).Message);
    }

    [Fact]
    public void Csv_with_a_bad_cell_names_the_line_and_column()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("in.csv"), "culture,child,frame,label,f0\n0,1,1,0.5,1.0\n0,1,2,0.5,abc\n");
        var e = ImportFails(tmp, () => StoreImporter.ImportCsv(tmp.File("in.csv"), tmp.File("store")));
        Assert.Contains("in.csv line 3, column 'f0': 'abc' is not a number", e.Message);

        File.WriteAllText(tmp.File("in.csv"), "culture,child,frame,f0\n0,1,1,1.0\n");
        Assert.Contains("no 'label' column", ImportFails(tmp, () => StoreImporter.ImportCsv(tmp.File("in.csv"), tmp.File("store"))).Message);
    }

    [Fact]
    public void Float16_store_rejects_values_that_overflow_half()
    {
        using var tmp = new TempDir();
        using var w = FeatureStoreWriter.Create(tmp.Path, 2, FeatureDType.Float16);
        var e = Assert.Throws<CultureNetException>(() => w.Append(0, 1, 1, 0, [1f, 1e6f]));
        Assert.Contains("overflows float16", e.Message);
    }
}
