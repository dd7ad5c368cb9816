namespace CultureNet.Engine.IO;

/// <summary>
/// A read-only view of a stream for third-party parsers of untrusted files: it fails with a
/// <see cref="CultureNetException"/> naming the file once the parser has read more than <paramref name="budgetBytes"/>
/// in total (a parser following a cycle of offsets in a corrupt file re-reads the same bytes for ever) or has worked
/// past <paramref name="deadline"/>. Both limits are generous multiples of what a sound file needs.
/// </summary>
public sealed class BoundedReadStream(Stream inner, string source, long budgetBytes, TimeSpan deadline) : Stream
{
    private readonly long _started = Environment.TickCount64;
    private long _readTotal;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Charge(buffer.Length);
        return inner.Read(buffer);
    }

    public override int ReadByte()
    {
        Charge(1);
        return inner.ReadByte();
    }

    private void Charge(int bytes)
    {
        _readTotal += bytes;
        if (_readTotal > budgetBytes)
            throw new CultureNetException($"{source}: the file's internal structure makes the reader go round in circles (more than {budgetBytes} bytes read from a {inner.Length}-byte file); it is corrupt");
        if (Environment.TickCount64 - _started > deadline.TotalMilliseconds)
            throw new CultureNetException($"{source}: reading took longer than {deadline.TotalSeconds:F0} s; the file's internal structure is corrupt");
    }

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
