using CultureNet.Engine.IO;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

public class PickleImportTests(NumpyPickleFixture pickles) : IClassFixture<NumpyPickleFixture>
{
    public static TheoryData<string> Variants => new()
    {
        "p0", "p1", "p2", "p3", "p4", "p5",
        "p2_fortran", "p3_fortran", "p4_fortran", "p5_fortran",
        "p2_f32", "p5_f32",
        "np2_p2", "np2_p4", "np2_p5",
        "py2",
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Numpy_pickles_of_both_cultures_import_bit_exact_to_the_npy_route_and_numpy_astype(string variant)
    {
        using var tmp = new TempDir();
        StoreImporter.ImportReference([pickles.File($"data_0_{variant}.pkl"), pickles.File($"data_1_{variant}.pkl")], tmp.File("pkl"));
        StoreImporter.ImportReference([pickles.File("ref_0.npy"), pickles.File("ref_1.npy")], tmp.File("npy"));
        using var fromPickle = FeatureStore.Open(tmp.File("pkl"), verifyChecksums: true);
        using var fromNpy = FeatureStore.Open(tmp.File("npy"), verifyChecksums: true);

        Assert.Equal(fromNpy.RowCount, fromPickle.RowCount);
        Assert.Equal(fromNpy.Dim, fromPickle.Dim);
        Assert.Equal(fromNpy.RawFeatures(0, (int)fromNpy.RowCount).ToArray(), fromPickle.RawFeatures(0, (int)fromPickle.RowCount).ToArray());
        Assert.Equal(fromNpy.Labels.ToArray(), fromPickle.Labels.ToArray());
        Assert.Equal(fromNpy.Cultures.ToArray(), fromPickle.Cultures.ToArray());
        Assert.Equal(fromNpy.Children.ToArray(), fromPickle.Children.ToArray());
        Assert.Equal(fromNpy.Frames.ToArray(), fromPickle.Frames.ToArray());

        // The oracle's rows are already in store order (culture, child, frame), so the store's float32 features must be
        // numpy's own matrix.astype(np.float32), bit for bit (ties to even, subnormals).
        var expected = new List<float>();
        foreach (var culture in new[] { 0, 1 })
        {
            using var r = NpyArrayReader.Open(pickles.File($"ref_{culture}_f32.npy"));
            var m = new float[r.Rows * r.Columns];
            r.ReadRows(m, (int)r.Rows);
            for (long row = 0; row < r.Rows; row++) expected.AddRange(m.AsSpan((int)(row * r.Columns) + 3, r.Columns - 4).ToArray());
        }
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), fromPickle.Features(0, (int)fromPickle.RowCount).ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData("evil_system_p2.pkl", "posix.system")]
    [InlineData("evil_system_p4.pkl", "posix.system")]
    [InlineData("evil_inside_array.pkl", "posix.system")]
    [InlineData("evil_popped.pkl", "posix.system")]
    [InlineData("evil_builtins_eval.pkl", "__builtin__.eval")] // protocol 2 spells builtins as Python 2 did
    [InlineData("bad_matrix_subclass.pkl", "numpy.matrix")]
    public void A_pickle_naming_any_other_global_is_refused_by_name_and_nothing_runs(string file, string global)
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<CultureNetException>(() =>
            StoreImporter.ImportReference([pickles.File(file), pickles.File("data_1_p2.pkl")], tmp.File("store")));
        Assert.Contains(pickles.File(file), e.Message);
        Assert.Contains($"'{global}'", e.Message);
        Assert.Contains("refused", e.Message);
        Assert.False(File.Exists(pickles.Marker), "the pickle's os.system call ran");
        Assert.False(Directory.Exists(tmp.File("store")) && Directory.EnumerateFiles(tmp.File("store"), "features.cnstore").Any());
    }

    [Theory]
    [InlineData("evil_stack_global_indirect.pkl", "STACK_GLOBAL whose module and name are not plain strings")]
    [InlineData("bad_list.pkl", "holds a list; expected one pickled 2-D numpy array")]
    [InlineData("bad_object_array.pkl", "array dtype is 'O8'; expected float32")]
    [InlineData("bad_scalar.pkl", "holds a numpy scalar")]
    [InlineData("bad_int_matrix.pkl", "dtype is 'i8'; expected float32 ('f4') or float64 ('f8')")]
    [InlineData("bad_big_endian.pkl", "big-endian")]
    [InlineData("bad_1d.pkl", "shape (5); expected a 2-D matrix")]
    [InlineData("bad_out_of_band.pkl", "out-of-band buffer")]
    [InlineData("bad_truncated.pkl", "truncated")]
    [InlineData("bad_no_stop.pkl", "truncated: the data end before the pickle's STOP opcode")]
    [InlineData("bad_not_a_pickle.pkl", "not a pickle (or a damaged one)")]
    [InlineData("bad_shape_bomb.pkl", "declares shape (8, 2000000000) 'f8' = 128000000000 bytes but holds 80")]
    [InlineData("bad_length_bomb.pkl", "BINBYTES8 declares 1099511627776 bytes but only")]
    public void Malformed_truncated_and_unexpected_pickles_get_clear_errors_naming_the_file(string file, string expected)
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<CultureNetException>(() => StoreImporter.ImportReference([pickles.File(file)], tmp.File("store")));
        Assert.Contains(pickles.File(file), e.Message);
        Assert.Contains(expected, e.Message);
        Assert.False(File.Exists(pickles.Marker));
    }

    [Fact]
    public void Empty_and_missing_pickles_name_the_file()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("empty.pkl"), []);
        Assert.Contains("empty.pkl: file is empty", Assert.Throws<CultureNetException>(() => StoreImporter.ImportReference([tmp.File("empty.pkl")], tmp.File("s"))).Message);
        Assert.Contains("missing.pkl: file not found", Assert.Throws<CultureNetException>(() => StoreImporter.ImportReference([tmp.File("missing.pkl")], tmp.File("s"))).Message);
    }
}
