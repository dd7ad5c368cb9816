using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.Extraction;

/// <summary>
/// Checks that an image file is intact before its pixels are used, because SkiaSharp's decoders report success for
/// files they only partly understood: libjpeg-turbo meets a stray 0xFF (a marker) inside the entropy-coded data, warns
/// "premature end of data segment", fills the rest of the image with flat blocks, and Skia returns Success; libpng
/// drops an ancillary chunk whose CRC fails with a warning. So:
/// <list type="bullet">
/// <item>JPEG: the whole entropy-coded data are decoded once more by libjpeg-turbo's TurboJPEG API (Debian's
///   libturbojpeg0) with TJFLAG_STOPONWARNING, at 1/8 scale (the Huffman decoding, where corruption shows, is complete;
///   the inverse DCT is cheap at that scale); any warning is corruption;</item>
/// <item>PNG: every chunk's CRC-32 is checked (System.IO.Hashing), IHDR must come first and IEND last.</item>
/// </list>
/// Failures are <see cref="ImageDecodeException"/>s (the image is skipped with a warning naming the file).
/// </summary>
public static class ImageIntegrity
{
    public static void Check(ReadOnlySpan<byte> bytes, ImageFormat format, string path)
    {
        if (format == ImageFormat.Png) CheckPng(bytes, path);
        else CheckJpeg(bytes, path);
    }

    private static void CheckPng(ReadOnlySpan<byte> b, string path)
    {
        int pos = 8;
        bool first = true;
        while (true)
        {
            if (pos + 12 > b.Length) throw new ImageDecodeException(path, $"truncated PNG: the file ends inside a chunk at byte {pos} (no IEND)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b[pos..]);
            if (length > int.MaxValue || pos + 12L + length > b.Length)
                throw new ImageDecodeException(path, $"corrupt PNG: the chunk at byte {pos} declares {length} bytes, past the end of the file");
            var type = b.Slice(pos + 4, 4);
            var data = b.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(b[(pos + 8 + (int)length)..]);
            var crc = new Crc32();
            crc.Append(type);
            crc.Append(data);
            string name = System.Text.Encoding.ASCII.GetString(type);
            if (crc.GetCurrentHashAsUInt32() != stored)
                throw new ImageDecodeException(path, $"corrupt PNG: CRC-32 mismatch in the {name} chunk at byte {pos}");
            if (first && name != "IHDR") throw new ImageDecodeException(path, $"corrupt PNG: the first chunk is {name}, not IHDR");
            first = false;
            pos += 12 + (int)length;
            if (name == "IEND") return;
        }
    }

    private static unsafe void CheckJpeg(ReadOnlySpan<byte> bytes, string path)
    {
        var handle = TurboJpeg.Handle;
        fixed (byte* jpeg = bytes)
        {
            int width, height, subsampling, colorspace;
            if (TurboJpeg.tjDecompressHeader3(handle, jpeg, (nuint)bytes.Length, &width, &height, &subsampling, &colorspace) != 0)
                throw new ImageDecodeException(path, $"corrupt JPEG: {TurboJpeg.LastError(handle)}");
            int w = (width + 7) / 8, h = (height + 7) / 8;
            var scratch = new byte[(long)w * h];
            fixed (byte* dst = scratch)
            {
                if (TurboJpeg.tjDecompress2(handle, jpeg, (nuint)bytes.Length, dst, w, w, h, TurboJpeg.PixelFormatGray,
                        TurboJpeg.FlagStopOnWarning | TurboJpeg.FlagFastDct) != 0)
                    throw new ImageDecodeException(path, $"corrupt JPEG data: {TurboJpeg.LastError(handle)} (the image is skipped, not grey-filled)");
            }
        }
    }

    /// <summary>P/Invoke to libturbojpeg.so.0 (TurboJPEG API 2.x). One handle per thread: handles are not thread-safe.</summary>
    private static unsafe class TurboJpeg
    {
        private const string Library = "libturbojpeg.so.0";
        public const int PixelFormatGray = 6;        // TJPF_GRAY
        public const int FlagFastDct = 2048;         // TJFLAG_FASTDCT
        public const int FlagStopOnWarning = 8192;   // TJFLAG_STOPONWARNING

        [ThreadStatic] private static IntPtr _handle;

        public static IntPtr Handle
        {
            get
            {
                if (_handle != IntPtr.Zero) return _handle;
                try { _handle = tjInitDecompress(); }
                catch (DllNotFoundException)
                {
                    throw new CultureNetException(
                        $"{Library} is missing: JPEG files are checked for corruption with libjpeg-turbo's TurboJPEG library; install it with: apt-get install libturbojpeg0 (tools/bootstrap.sh does)");
                }
                if (_handle == IntPtr.Zero) throw new CultureNetException("libturbojpeg: tjInitDecompress failed");
                return _handle;
            }
        }

        public static string LastError(IntPtr handle) => Marshal.PtrToStringUTF8(tjGetErrorStr2(handle)) ?? "unknown error";

        [DllImport(Library)] public static extern IntPtr tjInitDecompress();
        [DllImport(Library)] public static extern int tjDecompressHeader3(IntPtr handle, byte* jpegBuf, nuint jpegSize, int* width, int* height, int* subsamp, int* colorspace);
        [DllImport(Library)] public static extern int tjDecompress2(IntPtr handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);
        [DllImport(Library)] public static extern IntPtr tjGetErrorStr2(IntPtr handle);
    }
}
