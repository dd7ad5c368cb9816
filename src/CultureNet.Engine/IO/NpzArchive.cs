using System.IO.Compression;
using System.IO.Hashing;

namespace CultureNet.Engine.IO;

/// <summary>
/// An .npz file (a zip of .npy members, as np.savez writes it) opened for reading with every check the zip format
/// offers: the archive structure (System.IO.Compression), unique member names, a declared size that the compressed
/// bytes could really expand to (deflate expands at most ~1032:1, stored members not at all), and each member's CRC-32,
/// computed over the bytes as they are read (System.IO.Hashing.Crc32) and compared when the last byte arrives.
/// Every failure is a <see cref="CultureNetException"/> naming the file and member. Other zip formats the tool reads
/// (a Keras 3 .keras archive) open through it too, with their own name in the messages.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    /// <summary>Deflate's best case is 258 bytes from about 2 bits; a member claiming more than this ratio is lying.</summary>
    private const long MaxDeflateRatio = 1032;

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _members = new(StringComparer.Ordinal);

    public string Path { get; }

    /// <summary>Member names in archive order (e.g. "dense_1/kernel.npy").</summary>
    public IReadOnlyList<string> MemberNames { get; }

    private NpzArchive(string path, ZipArchive zip)
    {
        Path = path;
        _zip = zip;
        var names = new List<string>();
        long fileLength = new FileInfo(path).Length;
        foreach (var entry in zip.Entries)
        {
            if (!_members.TryAdd(entry.FullName, entry))
                throw new CultureNetException($"{path}: member '{entry.FullName}' appears twice in the archive");
            if (entry.CompressedLength > fileLength || entry.Length < 0
                || entry.Length > entry.CompressedLength * MaxDeflateRatio + 64)
                throw new CultureNetException(
                    $"{path}: member '{entry.FullName}' declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes in a {fileLength}-byte file; the archive is corrupt");
            names.Add(entry.FullName);
        }
        MemberNames = names;
    }

    public static NpzArchive Open(string path) => Open(path, ".npz");

    /// <param name="kind">What the archive should be, for messages: ".npz", ".keras".</param>
    public static NpzArchive Open(string path, string kind)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0) throw new CultureNetException($"{path}: file is empty; expected a {kind} (zip) archive");
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            stream = null;
            try { return new NpzArchive(path, zip); }
            catch { zip.Dispose(); throw; }
        }
        catch (Exception e) when (IsArchiveFault(e))
        {
            throw new CultureNetException($"{path}: not a readable {kind} (zip) archive ({e.Message})", e);
        }
        finally
        {
            stream?.Dispose();
        }
    }

    public bool Contains(string member) => _members.ContainsKey(member);

    /// <summary>The member's declared (uncompressed) size in bytes.</summary>
    public long Length(string member) => Entry(member).Length;

    /// <summary>
    /// A read-only stream of the member's bytes that fails (naming file and member) if the data are shorter or longer
    /// than declared, do not decompress, or do not match the archive's CRC-32.
    /// </summary>
    public Stream OpenMember(string member)
    {
        var entry = Entry(member);
        Stream inner;
        try { inner = entry.Open(); }
        catch (Exception e) when (IsArchiveFault(e))
        {
            throw new CultureNetException($"{Path}: member '{member}' cannot be read ({e.Message})", e);
        }
        return new CheckedMemberStream(inner, entry.Length, entry.Crc32, $"{Path}: member '{member}'");
    }

    /// <summary>A whole member, at most <paramref name="limit"/> bytes (its declared size is already bounded by its
    /// compressed size); length and CRC-32 checked.</summary>
    public byte[] ReadAll(string member, long limit)
    {
        long length = Length(member);
        if (length > limit || length > Array.MaxLength)
            throw new CultureNetException($"{Path}: member '{member}' declares {length} bytes, more than the {Math.Min(limit, Array.MaxLength)} allowed for it");
        var bytes = new byte[length];
        using var stream = OpenMember(member);
        stream.ReadExactly(bytes);
        if (stream.ReadByte() != -1) throw new CultureNetException($"{Path}: member '{member}' holds more than the {length} bytes it declares");
        return bytes;
    }

    private ZipArchiveEntry Entry(string member) => _members.TryGetValue(member, out var e)
        ? e
        : throw new CultureNetException($"{Path}: no member '{member}' (it holds: {string.Join(", ", MemberNames)})");

    /// <summary>Exceptions System.IO.Compression throws for damaged archives (never our own or out-of-memory).</summary>
    private static bool IsArchiveFault(Exception e) =>
        e is InvalidDataException or NotSupportedException or IOException or ArgumentException or OverflowException or IndexOutOfRangeException
        && e is not CultureNetException;

    public void Dispose() => _zip.Dispose();

    /// <summary>Counts and hashes the bytes read; checks length and CRC when the declared end is reached.</summary>
    private sealed class CheckedMemberStream(Stream inner, long declared, uint crc, string name) : Stream
    {
        private readonly Crc32 _hasher = new();
        private long _read;
        private bool _verified;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0) return 0;
            // Ask for one byte past the declared end so data longer than declared are noticed.
            long room = declared - _read + 1;
            var window = buffer.Length > room ? buffer[..(int)room] : buffer;
            int n;
            try { n = inner.Read(window); }
            catch (Exception e) when (IsArchiveFault(e))
            {
                throw new CultureNetException($"{name}: the compressed data are corrupt ({e.Message})", e);
            }
            if (n == 0)
            {
                if (_read < declared) throw new CultureNetException($"{name}: truncated — {_read} of the {declared} declared bytes");
                Verify();
                return 0;
            }
            if (_read + n > declared) throw new CultureNetException($"{name}: holds more than the {declared} bytes the archive declares");
            _hasher.Append(buffer[..n]);
            _read += n;
            if (_read == declared) Verify();
            return n;
        }

        private void Verify()
        {
            if (_verified) return;
            _verified = true;
            uint actual = _hasher.GetCurrentHashAsUInt32();
            if (actual != crc)
                throw new CultureNetException($"{name}: CRC-32 mismatch (archive says {crc:X8}, the data give {actual:X8}); the file is corrupt");
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
