using CultureNet.Engine.Data;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Every way a store file can be damaged gives one clear error, naming the file and what is wrong.</summary>
public class StoreCorruptionTests
{
    private static (TempDir Tmp, string File) ValidStore(FeatureDType dtype = FeatureDType.Float32)
    {
        var tmp = new TempDir();
        TestRows.Make(childrenPerCulture: 2, frames: 20, dim: 8).WriteStore(tmp.Path, dtype);
        return (tmp, tmp.File("features.cnstore"));
    }

    private static CultureNetException OpenFails(string dir, bool verify = false) =>
        Assert.Throws<CultureNetException>(() => FeatureStore.Open(dir, verify).Dispose());

    [Fact]
    public void Truncated_file()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        using (var fs = new FileStream(file, FileMode.Open)) fs.SetLength(fs.Length - 100);
        var e = OpenFails(tmp.Path);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("features.cnstore", e.Message);

        using (var fs = new FileStream(file, FileMode.Open)) fs.SetLength(1000);
        Assert.Contains("truncated", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Wrong_magic()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        Patch(file, 0, "NOTASTOR"u8);
        Assert.Contains("wrong magic", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Unsupported_version()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        EditHeader(file, h => BitConverter.TryWriteBytes(h.AsSpan(StoreLayout.VersionOffset), 7u));
        var e = OpenFails(tmp.Path);
        Assert.Contains("version 7", e.Message);
        Assert.Contains("reads versions 1, 2 and 3", e.Message);
    }

    [Fact]
    public void Flipped_header_byte_fails_the_header_checksum()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        FlipByte(file, StoreLayout.DimOffset);
        Assert.Contains("header checksum mismatch", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Flipped_feature_byte_fails_verification_and_names_the_child()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        long rowBytes = 8 * 4;
        FlipByte(file, 4096 + 65 * rowBytes + 3); // row 65: culture 1, child 3 (rows 60…79)
        using (var store = FeatureStore.Open(tmp.Path)) // opening never reads the feature block…
        {
            var problems = store.VerifyFeatureChecksums(); // …verification does
            var problem = Assert.Single(problems);
            Assert.Contains("culture C1 (Serbia) child 3", problem);
        }
        Assert.Contains("feature checksum mismatch", OpenFails(tmp.Path, verify: true).Message);
    }

    [Fact]
    public void Flipped_metadata_byte_is_caught_on_open()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        var s = StoreLayout.Compute(80, 8, FeatureDType.Float32, 4);
        FlipByte(file, s.Frames + 17);
        Assert.Contains("metadata checksum mismatch", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Header_claiming_more_rows_than_the_file_holds_fails_without_a_large_allocation()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        EditHeader(file, h => BitConverter.TryWriteBytes(h.AsSpan(StoreLayout.RowCountOffset), 2_000_000_000L));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = OpenFails(tmp.Path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("header claims 2000000000 rows", e.Message);
        Assert.InRange(allocated, 0, 1 << 20);

        EditHeader(file, h => BitConverter.TryWriteBytes(h.AsSpan(StoreLayout.RowCountOffset), long.MaxValue / 2));
        Assert.Contains("out of range", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Trailing_bytes_are_reported()
    {
        var (tmp, file) = ValidStore();
        using var _ = tmp;
        using (var fs = new FileStream(file, FileMode.Append)) fs.Write(new byte[10]);
        Assert.Contains("10 unexpected trailing bytes", OpenFails(tmp.Path).Message);
    }

    [Fact]
    public void Missing_store()
    {
        using var tmp = new TempDir();
        Assert.Contains("no feature store", OpenFails(tmp.Path).Message);
    }

    private static void Patch(string file, long offset, ReadOnlySpan<byte> bytes)
    {
        using var fs = new FileStream(file, FileMode.Open);
        fs.Position = offset;
        fs.Write(bytes);
    }

    private static void FlipByte(string file, long offset)
    {
        using var fs = new FileStream(file, FileMode.Open);
        fs.Position = offset;
        int b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)(b ^ 0x40));
    }

    /// <summary>Changes header fields and reseals the header checksum, forging a header that is self-consistent but lies.</summary>
    private static void EditHeader(string file, Action<byte[]> edit)
    {
        var header = new byte[4096];
        using var fs = new FileStream(file, FileMode.Open);
        fs.ReadExactly(header);
        edit(header);
        StoreLayout.Reseal(header);
        fs.Position = 0;
        fs.Write(header);
    }
}
