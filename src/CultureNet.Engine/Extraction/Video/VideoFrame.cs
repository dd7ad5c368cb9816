using System.Buffers;

namespace CultureNet.Engine.Extraction.Video;

/// <summary>
/// One decoded frame: 8-bit RGB interleaved, rows top to bottom, in a pooled buffer (a 1080p frame is 6 MB, so frames
/// are recycled rather than left to the garbage collector). Dispose returns the buffer; the frame is unusable after.
/// </summary>
public sealed class VideoFrame : IDisposable
{
    private byte[]? _buffer;

    internal VideoFrame(int index, double? timeSeconds, int width, int height, byte[] pooledBuffer)
    {
        Index = index;
        TimeSeconds = timeSeconds;
        Width = width;
        Height = height;
        _buffer = pooledBuffer;
    }

    /// <summary>Rents a buffer for a width × height frame.</summary>
    internal static byte[] Rent(int width, int height) => ArrayPool<byte>.Shared.Rent(checked(width * height * 3));

    /// <summary>Gives back a rented buffer that never became a frame.</summary>
    internal static void ReturnUnused(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);

    /// <summary>0-based position among the frames delivered (after --fps sampling, if any).</summary>
    public int Index { get; }

    /// <summary>Presentation time in seconds (from ffmpeg), or null for a still image.</summary>
    public double? TimeSeconds { get; }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Width × Height × 3 bytes.</summary>
    public ReadOnlySpan<byte> Rgb => (_buffer ?? throw new ObjectDisposedException(nameof(VideoFrame))).AsSpan(0, Width * Height * 3);

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
