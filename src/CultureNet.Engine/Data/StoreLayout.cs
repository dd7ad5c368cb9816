using System.Buffers.Binary;
using System.IO.Hashing;

namespace CultureNet.Engine.Data;

/// <summary>
/// The on-disk layout of a feature store file (<c>DIR/features.cnstore</c>), little-endian:
/// <code>
///   [0, 4096)           header: magic "CNSTORE\0" u64, version u32, header size u32, D i32, dtype i32 (1 f32, 2 f16),
///                       rows i64, children i32, flags u32 (1 = synthetic, 2 = has unlabelled rows), xxh3 of the metadata u64,
///                       xxh3 of the header u64 (version 3: of all 4096 bytes but this field; 1, 2: of bytes 0…47); rest zero
///   [4096, ...)         features: N × D values, row-major, float32 or float16 — ONE contiguous block
///   align64             cultures: N × uint8
///   align64             children: N × int32
///   align64             frames:   N × int32
///   align64             labels:   N × float32 (version 2: NaN marks an unlabelled row)
///   align64             child table: C × 32 bytes (culture u8, pad 3, child i32, start i64, count i32, pad 4, xxh3 of its feature bytes u64)
/// </code>
/// Every offset follows from (N, D, dtype, C), so a header that claims more rows than the file holds is caught
/// by comparing the computed length with the file's length before anything is mapped or allocated.
/// The features start at 4096 so the block is page- (hence 64-byte-) aligned for the native engine.
///
/// Versions (one layout): 1, every label in [−1, 1]; 2, labels may be NaN (an unlabelled row, e.g. features of a video
/// to run inference on) and flag 2 is set; 3, what this engine writes: labels may be NaN when flag 2 is set, and the
/// header checksum covers the whole header (every byte but the checksum field itself), so no header byte is outside
/// a checksum. Versions 1 and 2 hashed only bytes 0…47; they are still read, with bytes 56…4095 required to be zero
/// (they always were written so), which catches any change there just as surely.
/// </summary>
internal static class StoreLayout
{
    public const string FileName = "features.cnstore";
    public const ulong Magic = 0x0045_524F_5453_4E43UL; // "CNSTORE\0" read as a little-endian u64
    /// <summary>The version this engine writes: the header checksum covers the whole header.</summary>
    public const uint Version = 3;

    /// <summary>Earlier versions, still read: 1 (all rows labelled) and 2 (has unlabelled rows), checksum over bytes 0…47.</summary>
    public const uint LabelledVersion1 = 1, UnlabelledVersion2 = 2;
    public const int HeaderBytes = 4096;
    public const int ChildEntryBytes = 32;
    public const int Alignment = 64;

    // Header field offsets.
    private const int OffMagic = 0, OffVersion = 8, OffHeaderBytes = 12, OffDim = 16, OffDType = 20, OffRows = 24,
        OffChildren = 32, OffFlags = 36, OffMetaHash = 40, OffHeaderHash = 48, HashedHeaderBytes = 48;

    public static long Align(long x) => (x + Alignment - 1) / Alignment * Alignment;

    public readonly record struct Sections(long Features, long Cultures, long Children, long Frames, long Labels, long ChildTable, long FileLength);

    /// <summary>Computes every section offset; checked arithmetic so absurd headers fail instead of wrapping.</summary>
    public static Sections Compute(long rows, int dim, FeatureDType dtype, int childCount)
    {
        checked
        {
            long features = HeaderBytes;
            long cultures = Align(features + rows * dim * dtype.ElementSize());
            long children = Align(cultures + rows);
            long frames = Align(children + rows * 4);
            long labels = Align(frames + rows * 4);
            long table = Align(labels + rows * 4);
            long end = table + (long)childCount * ChildEntryBytes;
            return new Sections(features, cultures, children, frames, labels, table, end);
        }
    }

    public readonly record struct Header(int Dim, FeatureDType DType, long RowCount, int ChildCount, ulong MetadataHash, StoreFlags Flags = StoreFlags.None,
        uint FormatVersion = Version);

    [Flags]
    public enum StoreFlags : uint
    {
        None = 0,
        /// <summary>Written by the synthetic-cohort generator: every report on it must say so.</summary>
        Synthetic = 1,
        /// <summary>Some labels are NaN: unlabelled rows (version 2, or version 3 with this flag).</summary>
        HasUnlabelled = 2,
    }

    public static void Write(Span<byte> header, in Header h)
    {
        header[..HeaderBytes].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffMagic..], Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[OffVersion..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[OffHeaderBytes..], HeaderBytes);
        BinaryPrimitives.WriteInt32LittleEndian(header[OffDim..], h.Dim);
        BinaryPrimitives.WriteInt32LittleEndian(header[OffDType..], (int)h.DType);
        BinaryPrimitives.WriteInt64LittleEndian(header[OffRows..], h.RowCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[OffChildren..], h.ChildCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header[OffFlags..], (uint)h.Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffMetaHash..], h.MetadataHash);
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffHeaderHash..], HeaderHash(header, Version));
    }

    /// <summary>The header checksum as <paramref name="version"/> defines it: from version 3 every header byte except the
    /// checksum field; before, bytes 0…47 only.</summary>
    private static ulong HeaderHash(ReadOnlySpan<byte> header, uint version)
    {
        if (version < Version) return XxHash3.HashToUInt64(header[..HashedHeaderBytes]);
        var hash = new XxHash3();
        hash.Append(header[..OffHeaderHash]);
        hash.Append(header[(OffHeaderHash + 8)..HeaderBytes]);
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Rewrites the header checksum, as the header's version defines it, after a field was changed (tests that
    /// forge headers, and old-version stores, use it).</summary>
    internal static void Reseal(Span<byte> header) =>
        BinaryPrimitives.WriteUInt64LittleEndian(header[OffHeaderHash..],
            HeaderHash(header, BinaryPrimitives.ReadUInt32LittleEndian(header[OffVersion..])));

    internal const int RowCountOffset = OffRows, VersionOffset = OffVersion, DimOffset = OffDim;

    /// <summary>Parses and checks a header against the file's real length. Never allocates in proportion to the claims.</summary>
    public static (Header Header, Sections Sections) Read(ReadOnlySpan<byte> header, long fileLength, string path)
    {
        if (fileLength < HeaderBytes || header.Length < HeaderBytes)
            throw new CultureNetException($"{path}: truncated — {fileLength} bytes, but a feature store header alone is {HeaderBytes} bytes");
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(header[OffMagic..]);
        if (magic != Magic)
            throw new CultureNetException(magic == 0
                ? $"{path}: not a finalised feature store (the header is blank: a writer did not finish)"
                : $"{path}: not a CultureNet feature store (wrong magic 0x{magic:X16}, expected \"CNSTORE\")");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[OffVersion..]);
        ulong storedHash = BinaryPrimitives.ReadUInt64LittleEndian(header[OffHeaderHash..]);
        // The version decides what the checksum covers, so an unknown version is refused before the checksum; a damaged
        // version field then reads as a version this engine does not know, which names the damage just as well.
        if (version is not (LabelledVersion1 or UnlabelledVersion2 or Version))
            throw new CultureNetException($"{path}: feature store format version {version}; this engine reads versions {LabelledVersion1}, {UnlabelledVersion2} and {Version}");
        if (HeaderHash(header, version) != storedHash)
            throw new CultureNetException($"{path}: header checksum mismatch — the header is corrupt");
        if (version < Version)
        {
            // Versions 1 and 2 hash bytes 0…47 only; bytes 56…4095 were always written as zeros: anything else there is damage.
            int stray = header[(OffHeaderHash + 8)..HeaderBytes].IndexOfAnyExcept((byte)0);
            if (stray >= 0)
                throw new CultureNetException($"{path}: header byte {OffHeaderHash + 8 + stray} is 0x{header[OffHeaderHash + 8 + stray]:X2}, but bytes {OffHeaderHash + 8}…{HeaderBytes - 1} of a version {version} header are always zero — the header is corrupt");
        }
        uint headerBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[OffHeaderBytes..]);
        int dim = BinaryPrimitives.ReadInt32LittleEndian(header[OffDim..]);
        int dtypeCode = BinaryPrimitives.ReadInt32LittleEndian(header[OffDType..]);
        long rows = BinaryPrimitives.ReadInt64LittleEndian(header[OffRows..]);
        int childCount = BinaryPrimitives.ReadInt32LittleEndian(header[OffChildren..]);
        if (headerBytes != HeaderBytes)
            throw new CultureNetException($"{path}: header size field is {headerBytes}, expected {HeaderBytes}");
        if (dim <= 0)
            throw new CultureNetException($"{path}: header dimension D = {dim}, expected a positive number");
        if (dtypeCode is not ((int)FeatureDType.Float32 or (int)FeatureDType.Float16))
            throw new CultureNetException($"{path}: header dtype code {dtypeCode}, expected 1 (float32) or 2 (float16)");
        if (rows < 0 || rows > int.MaxValue)
            throw new CultureNetException($"{path}: header row count {rows} is out of range (0 … {int.MaxValue})");
        if (childCount < 0 || childCount > rows)
            throw new CultureNetException($"{path}: header child count {childCount} is out of range (0 … {rows} rows)");
        var dtype = (FeatureDType)dtypeCode;
        Sections s;
        try { s = Compute(rows, dim, dtype, childCount); }
        catch (OverflowException) { throw new CultureNetException($"{path}: header claims {rows} rows × {dim} features, which overflows a file size"); }
        if (fileLength < s.FileLength)
            throw new CultureNetException($"{path}: truncated — header claims {rows} rows × {dim} {dtype.Name()} features ({s.FileLength} bytes) but the file holds only {fileLength} bytes");
        if (fileLength > s.FileLength)
            throw new CultureNetException($"{path}: {fileLength - s.FileLength} unexpected trailing bytes after the {s.FileLength} bytes the header describes");
        var flags = (StoreFlags)BinaryPrimitives.ReadUInt32LittleEndian(header[OffFlags..]);
        // Version 1 has no unlabelled rows and version 2 always has them; version 3 says so by flag 2 alone.
        if (version != Version && flags.HasFlag(StoreFlags.HasUnlabelled) != (version == UnlabelledVersion2))
            throw new CultureNetException($"{path}: version {version} with flags {(uint)flags}: the unlabelled-rows flag (2) goes with version {UnlabelledVersion2} only — the header is inconsistent");
        var h = new Header(dim, dtype, rows, childCount, BinaryPrimitives.ReadUInt64LittleEndian(header[OffMetaHash..]), flags, version);
        return (h, s);
    }
}
