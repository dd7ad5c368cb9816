using CultureNet.Engine.Cohort;
using CultureNet.Engine.Data;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

public class FeatureStoreTests
{
    [Fact]
    public void Rows_written_in_any_order_are_grouped_by_culture_and_child_in_frame_order()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(childrenPerCulture: 3, frames: 25, dim: 8);
        var shuffled = Enumerable.Range(0, rows.Count).OrderBy(i => (i * 7919) % rows.Count).ToArray();
        rows.WriteStore(tmp.Path, order: shuffled);

        using var store = FeatureStore.Open(tmp.Path, verifyChecksums: true);
        Assert.Equal(rows.Count, store.RowCount);
        Assert.Equal(rows.Cultures, store.Cultures.ToArray());
        Assert.Equal(rows.Children, store.Children.ToArray());
        Assert.Equal(rows.Frames, store.Frames.ToArray());
        Assert.Equal(rows.Labels, store.Labels.ToArray());
        Assert.Equal(rows.Features, store.Features(0, rows.Count).ToArray());
        Assert.Equal(6, store.ChildBlocks.Count);
        Assert.Equal(new ChildBlock(1, 2, 75, 25), store.ChildBlocks[3]);
    }

    [Fact]
    public unsafe void Feature_block_is_one_contiguous_row_major_block_aligned_to_64_bytes()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 10, dim: 5);
        rows.WriteStore(tmp.Path);
        using var store = FeatureStore.Open(tmp.Path);
        float* p = store.FeaturePointer;
        Assert.Equal(0, (long)p % 64);
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < rows.Dim; j++)
                Assert.Equal(rows.Features[i * rows.Dim + j], p[(long)i * store.Dim + j]);
        // The span of one child is a view of the same memory, not a copy.
        var (start, count) = store.ChildRange(1, 3);
        fixed (float* s = store.Features(start, count)) Assert.True(s == p + start * store.Dim);
    }

    [Fact]
    public void Child_and_culture_ranges_and_row_lookup()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(childrenPerCulture: 2, frames: 10, dim: 4);
        rows.WriteStore(tmp.Path);
        using var store = FeatureStore.Open(tmp.Path);
        Assert.Equal((10L, 10), store.ChildRange(0, 2));
        Assert.Equal((0L, 20), store.CultureRange(0));
        Assert.Equal((20L, 20), store.CultureRange(1));
        Assert.Equal(13, store.FindRow(0, 2, frame: 3 * 3 + 1));
        Assert.Equal(-1, store.FindRow(0, 2, frame: 2));
        Assert.Equal(-1, store.FindRow(1, 99, frame: 1));
        var e = Assert.Throws<CultureNetException>(() => store.ChildRange(1, 99));
        Assert.Contains("no child 99", e.Message);
    }

    [Fact]
    public void GatherRows_copies_random_rows_and_widens_float16()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 30, dim: 37); // odd width: exercises the vector tails
        rows.WriteStore(tmp.File("f32"));
        rows.WriteStore(tmp.File("f16"), FeatureDType.Float16);
        var pick = new long[] { 5, 0, 179, 42, 42, 100 };
        using var f32 = FeatureStore.Open(tmp.File("f32"));
        using var f16 = FeatureStore.Open(tmp.File("f16"));
        Assert.Equal(FeatureDType.Float16, f16.DType);
        var a = new float[pick.Length * rows.Dim];
        var b = new float[pick.Length * rows.Dim];
        f32.GatherRows(pick, a);
        f16.GatherRows(pick.Select(r => (int)r).ToArray(), b);
        for (int i = 0; i < pick.Length; i++)
            for (int j = 0; j < rows.Dim; j++)
            {
                float x = rows.Features[pick[i] * rows.Dim + j];
                Assert.Equal(x, a[i * rows.Dim + j]);
                Assert.Equal((float)(Half)x, b[i * rows.Dim + j]);
            }
        var labels = new float[pick.Length];
        f16.GatherLabels(pick, labels);
        Assert.Equal(pick.Select(r => rows.Labels[r]), labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => f32.GatherRows(new long[] { 180 }, a));
        Assert.Throws<InvalidOperationException>(() => f16.Features(0, 1));
    }

    [Fact]
    public void A_writer_disposed_without_Finish_leaves_no_store_and_no_temporary_file()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 5, dim: 4);
        using (var w = FeatureStoreWriter.Create(tmp.Path, rows.Dim))
            for (int i = 0; i < rows.Count; i++) w.Append(rows.Cultures[i], rows.Children[i], rows.Frames[i], rows.Labels[i], rows.Row(i));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(tmp.Path));
        Assert.Contains("no feature store", e.Message);
    }

    [Fact]
    public void A_store_file_whose_header_was_never_written_does_not_open()
    {
        using var tmp = new TempDir();
        TestRows.Make(frames: 5, dim: 4).WriteStore(tmp.Path);
        string file = tmp.File("features.cnstore");
        var bytes = File.ReadAllBytes(file);
        Array.Clear(bytes, 0, 4096); // what a writer's temporary file holds until Finish
        File.WriteAllBytes(file, bytes);
        var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(tmp.Path));
        Assert.Contains("not a finalised feature store", e.Message);
    }

    [Fact]
    public void OpenForUpdate_keeps_existing_rows_adds_new_ones_and_replaces_the_store_atomically()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(childrenPerCulture: 2, frames: 10, dim: 6);
        var firstHalf = Enumerable.Range(0, rows.Count).Where(i => i % 2 == 0).ToArray();
        rows.WriteStore(tmp.Path, order: firstHalf);

        using var before = FeatureStore.Open(tmp.Path);
        Assert.Equal(rows.Count / 2, before.RowCount);
        using (var w = FeatureStoreWriter.OpenForUpdate(tmp.Path))
        {
            for (int i = 0; i < rows.Count; i++)
            {
                bool had = w.Contains(rows.Cultures[i], rows.Children[i], rows.Frames[i]);
                Assert.Equal(i % 2 == 0, had);
                if (!had) w.Append(rows.Cultures[i], rows.Children[i], rows.Frames[i], rows.Labels[i], rows.Row(i));
            }
            Assert.Throws<CultureNetException>(() => w.Append(rows.Cultures[0], rows.Children[0], rows.Frames[0], 0, rows.Row(0)));
            w.Finish();
        }
        using var after = FeatureStore.Open(tmp.Path, verifyChecksums: true);
        Assert.Equal(rows.Features, after.Features(0, rows.Count).ToArray());
        Assert.Equal(rows.Frames, after.Frames.ToArray());
        // A reader that opened the old store keeps seeing it, intact, after the replacement.
        Assert.Equal(rows.Count / 2, before.RowCount);
        Assert.Empty(before.VerifyFeatureChecksums());
        Assert.Single(Directory.GetFiles(tmp.Path));
    }

    [Fact]
    public void Float16_store_halves_the_feature_bytes()
    {
        using var tmp = new TempDir();
        var rows = TestRows.Make(frames: 50, dim: 64);
        rows.WriteStore(tmp.File("a"));
        rows.WriteStore(tmp.File("b"), FeatureDType.Float16);
        long a = new FileInfo(Path.Combine(tmp.File("a"), "features.cnstore")).Length;
        long b = new FileInfo(Path.Combine(tmp.File("b"), "features.cnstore")).Length;
        Assert.InRange(a - b, rows.Count * 64 * 2 - 128, rows.Count * 64 * 2 + 128);
    }
}
