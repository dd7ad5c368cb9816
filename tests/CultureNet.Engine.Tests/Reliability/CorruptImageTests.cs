using CultureNet.Engine.Extraction;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// Damaged images are refused, never decoded partly. (Before: a stray 0xFF in a JPEG's entropy-coded data made
/// libjpeg-turbo warn and grey-fill the rest, Skia returned Success and the image was extracted with exit 0; a PNG
/// ancillary chunk with a bad CRC was dropped silently.)
/// </summary>
public class CorruptImageTests
{
    private static byte[] Photo(TempDir dir, string format, bool progressive = false)
    {
        string path = dir.File("photo." + format);
        // A textured 160×120 picture (smooth gradients plus noise), so the entropy-coded data are long.
        Python.Run("-c", $$"""
import numpy as np
from PIL import Image
rng = np.random.default_rng(7)
y, x = np.mgrid[0:120, 0:160]
rgb = np.stack([x * 1.5, y * 2.0, (x + y)], -1) + rng.normal(0, 20, (120, 160, 3))
img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
if '{{format}}' == 'png':
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo(); info.add_text('Comment', 'face crop')
    img.save('{{path}}', pnginfo=info)
else:
    img.save('{{path}}', quality=90, progressive={{(progressive ? "True" : "False")}})
""");
        return File.ReadAllBytes(path);
    }

    /// <summary>Offset of the first entropy-coded byte: just after the first SOS segment.</summary>
    private static int ScanStart(byte[] jpeg)
    {
        for (int i = 2; i + 4 < jpeg.Length;)
        {
            int marker = jpeg[i + 1], length = jpeg[i + 2] << 8 | jpeg[i + 3];
            if (marker == 0xDA) return i + 2 + length;
            i += 2 + length;
        }
        throw new InvalidOperationException("no SOS");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStrayFfInTheEntropyCodedDataIsRefused(bool progressive)
    {
        using var dir = new TempDir();
        var good = Photo(dir, "jpg", progressive);
        Assert.Equal(160, ImageDecoder.Decode(good, "good.jpg").Width); // the intact file decodes
        int start = ScanStart(good);
        int refused = 0, tried = 0;
        // Several positions through the first scan; a stray 0xFF followed by a byte that makes it a marker.
        for (int k = 1; k <= 8; k++)
        {
            int at = start + k * 40;
            if (at + 1 >= good.Length || good[at + 1] is 0x00 or (>= 0xD0 and <= 0xD7) or 0xFF) continue;
            var bad = (byte[])good.Clone();
            bad[at] = 0xFF;
            tried++;
            var e = Record.Exception(() => ImageDecoder.Decode(bad, $"bad{k}.jpg"));
            if (e is ImageDecodeException ide) { refused++; Assert.StartsWith($"bad{k}.jpg", ide.Message); }
            else Assert.Null(e);
        }
        Assert.True(tried >= 4, $"only {tried} positions tried");
        Assert.Equal(tried, refused);
    }

    [Fact]
    public void APngChunkWithABadCrcIsRefused()
    {
        using var dir = new TempDir();
        var good = Photo(dir, "png");
        Assert.Equal(120, ImageDecoder.Decode(good, "good.png").Height);
        int text = good.AsSpan().IndexOf("tEXt"u8);
        Assert.True(text > 0);
        var bad = (byte[])good.Clone();
        bad[text + 6] ^= 0x20; // one letter of the comment: an ancillary chunk, which libpng drops with a warning
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bad, "bad.png"));
        Assert.Contains("CRC-32 mismatch in the tEXt chunk", e.Message);
    }
}
