using CultureNet.Engine.IO;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace CultureNet.Engine.Extraction;

/// <summary>
/// The durable, append-only record of an extraction in progress: what makes <c>culturenet extract</c> resumable.
/// Rows are appended as they are extracted (handed to the OS at least once a second, so a killed process loses at most
/// the last second of work); a rerun reopens the
/// journal, skips every frame it holds and appends the rest; when all images are done the rows go to the feature store.
///
/// File layout (little-endian): "CNXJRNL1", u32 version (1), u32 feature width, u32 n, n bytes UTF-8 settings text
/// (backbone file, size, output, preprocessing) — a rerun with other settings is refused rather than mixing features
/// from two models — then fixed-size records: i32 culture, i32 child, i32 frame, f32 label, width × f32, u64 FNV-1a
/// checksum of the preceding bytes of the record. A torn last record (crash mid-write) is cut off on reopen; a bad
/// checksum before the end is corruption and an error naming the file and record.
/// </summary>
public sealed class ExtractionJournal : IFeatureSink, IDisposable
{
    private static ReadOnlySpan<byte> Magic => "CNXJRNL1"u8;
    private const uint Version = 1;

    private readonly FileStream _stream;
    private readonly HashSet<FrameKey> _keys = new();
    private readonly byte[] _record;
    private readonly long _dataStart;
    private long _lastFlush = Environment.TickCount64;

    private ExtractionJournal(FileStream stream, int width, string settings, long dataStart)
    {
        _stream = stream;
        FeatureWidth = width;
        Settings = settings;
        _dataStart = dataStart;
        _record = new byte[RecordBytes(width)];
        FilePath = stream.Name;
    }

    public string FilePath { get; }
    public int FeatureWidth { get; }
    public string Settings { get; }

    /// <summary>Rows in the journal (earlier runs + this one).</summary>
    public int Count => _keys.Count;

    /// <summary>Rows found when the journal was opened (from earlier, interrupted runs).</summary>
    public int Resumed { get; private set; }

    /// <summary>True when a torn last record was cut off on opening.</summary>
    public bool RepairedTornTail { get; private set; }

    public static int RecordBytes(int width) => 16 + 4 * width + 8;

    /// <summary>Opens <paramref name="path"/> to resume, or creates it. Refuses a journal written with other settings.</summary>
    public static ExtractionJournal OpenOrCreate(string path, int featureWidth, string settings)
    {
        var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
        bool created = fs.Length == 0;
        try
        {
            if (fs.Length == 0)
            {
                var s = Encoding.UTF8.GetBytes(settings);
                var head = new byte[20 + s.Length];
                Magic.CopyTo(head);
                BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), Version);
                BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), featureWidth);
                BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(16), s.Length);
                s.CopyTo(head, 20);
                fs.Write(head);
                fs.Flush(flushToDisk: true);
                return new ExtractionJournal(fs, featureWidth, settings, head.Length);
            }
            var journal = Reopen(fs, path, featureWidth, settings);
            return journal;
        }
        catch
        {
            // A journal that could not even get its header (full disk, …) holds nothing to resume: remove it.
            try { if (created) fs.SetLength(0); fs.Dispose(); } catch (IOException) { }
            if (created) AtomicFile.DeleteQuietly(path);
            throw;
        }
    }

    private static ExtractionJournal Reopen(FileStream fs, string path, int featureWidth, string settings)
    {
        var fixedHead = new byte[20];
        if (fs.Read(fixedHead) != 20 || !fixedHead.AsSpan(0, 8).SequenceEqual(Magic))
            throw new CultureNetException($"{path}: not an extraction journal (bad magic); delete it or choose another --out");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(fixedHead.AsSpan(8));
        if (version != Version) throw new CultureNetException($"{path}: journal version {version}, this engine reads {Version}");
        int width = BinaryPrimitives.ReadInt32LittleEndian(fixedHead.AsSpan(12));
        int n = BinaryPrimitives.ReadInt32LittleEndian(fixedHead.AsSpan(16));
        if (n < 0 || n > 1 << 20 || 20L + n > fs.Length) throw new CultureNetException($"{path}: corrupt journal header (settings of {n} bytes in a {fs.Length}-byte file); delete it to start over");
        var s = new byte[n];
        fs.ReadExactly(s);
        string old = Encoding.UTF8.GetString(s);
        if (width != featureWidth || old != settings)
            throw new CultureNetException(
                $"{path}: this unfinished extraction was started with other settings ({old}; {width}-D), now ({settings}; {featureWidth}-D); " +
                "rerun with the same backbone and preprocessing, or delete the journal to start over");
        var journal = new ExtractionJournal(fs, width, old, 20 + n);
        journal.LoadKeys();
        return journal;
    }

    private void LoadKeys()
    {
        int rb = _record.Length;
        long records = (_stream.Length - _dataStart) / rb;
        long whole = _dataStart + records * rb;
        _stream.Position = _dataStart;
        for (long r = 0; r < records; r++)
        {
            _stream.ReadExactly(_record);
            if (!ChecksumOk(_record))
            {
                if (r == records - 1) { whole -= rb; RepairedTornTail = true; break; }
                throw new CultureNetException($"{FilePath}: record {r} fails its checksum (the journal is corrupt); delete it to start over");
            }
            var key = ReadKey(_record);
            if (!_keys.Add(key)) throw new CultureNetException($"{FilePath}: record {r} repeats {key} (the journal is corrupt)");
        }
        if (whole != _stream.Length)
        {
            RepairedTornTail = true;
            _stream.SetLength(whole);
        }
        _stream.Position = whole;
        Resumed = _keys.Count;
    }

    public bool Contains(FrameKey key) => _keys.Contains(key);

    public void Write(FrameKey key, float label, ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureWidth) throw new ArgumentException($"row has {features.Length} features, the journal {FeatureWidth}");
        if (!_keys.Add(key)) throw new InvalidOperationException($"{key} is already in the journal");
        var r = _record.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(r, key.Culture);
        BinaryPrimitives.WriteInt32LittleEndian(r[4..], key.Child);
        BinaryPrimitives.WriteInt32LittleEndian(r[8..], key.Frame);
        BinaryPrimitives.WriteSingleLittleEndian(r[12..], label);
        MemoryMarshal.AsBytes(features).CopyTo(r[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(r[^8..], Fnv1a(r[..^8]));
        _stream.Write(_record);
        // Hand rows to the operating system at least once a second: a killed process then loses at most the last
        // second of work (fsync is left to Flush(toDisk: true) and Dispose, which guard against power loss).
        long now = Environment.TickCount64;
        if (now - _lastFlush >= 1000)
        {
            _stream.Flush(flushToDisk: false);
            _lastFlush = now;
        }
    }

    /// <summary>Pushes buffered rows to the operating system and, with <paramref name="toDisk"/>, to the disk.</summary>
    public void Flush(bool toDisk = false) => _stream.Flush(toDisk);

    /// <summary>Reads every row back in journal order (for building the feature store). Flushes first.</summary>
    public IEnumerable<(FrameKey Key, float Label, float[] Features)> ReadAll()
    {
        _stream.Flush();
        long end = _stream.Length;
        var rec = new byte[_record.Length];
        using var reader = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        reader.Position = _dataStart;
        for (long pos = _dataStart; pos + rec.Length <= end; pos += rec.Length)
        {
            reader.ReadExactly(rec);
            if (!ChecksumOk(rec)) throw new CultureNetException($"{FilePath}: record at byte {pos} fails its checksum");
            var features = new float[FeatureWidth];
            MemoryMarshal.Cast<byte, float>(rec.AsSpan(16, 4 * FeatureWidth)).CopyTo(features);
            yield return (ReadKey(rec), BinaryPrimitives.ReadSingleLittleEndian(rec.AsSpan(12)), features);
        }
    }

    private static FrameKey ReadKey(ReadOnlySpan<byte> r) => new(
        BinaryPrimitives.ReadInt32LittleEndian(r), BinaryPrimitives.ReadInt32LittleEndian(r[4..]), BinaryPrimitives.ReadInt32LittleEndian(r[8..]));

    private static bool ChecksumOk(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadUInt64LittleEndian(r[^8..]) == Fnv1a(r[..^8]);

    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Runs on the way out of a failure too (a full disk): an error here would replace the one that explains it.
        // Rows that could not be flushed are lost; a torn last record is cut off when the journal is reopened.
        try { _stream.Flush(flushToDisk: true); }
        catch (IOException) { }
        try { _stream.Dispose(); }
        catch (IOException) { }
    }
}
