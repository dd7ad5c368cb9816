using CultureNet.Engine.Nn;
using System.Text;
using CsCheck;
using CultureNet.Engine.Data;
using CultureNet.Engine.IO;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// The .npy header is a Python dict literal; headers NumPy refuses must be refused, the data must be exactly as long
/// as the shape says. (Before: regular expressions picked 'descr'/'shape' out of any text, and short or trailing data
/// were accepted — one case predicted 1 row out of 64.)
/// </summary>
public class NpyStrictReadingTests
{
    /// <summary>A version-1.0 .npy file with the given header dict text (padded as np.save pads) and data bytes.</summary>
    internal static byte[] NpyWithHeader(string dict, byte[] data, bool pad = true)
    {
        var text = new StringBuilder(dict);
        if (pad) while ((10 + text.Length + 1) % 64 != 0) text.Append(' ');
        text.Append('\n');
        var header = Encoding.Latin1.GetBytes(text.ToString());
        var bytes = new byte[10 + header.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, (byte)(header.Length >> 8) }.CopyTo(bytes, 0);
        header.CopyTo(bytes, 10);
        data.CopyTo(bytes, 10 + header.Length);
        return bytes;
    }

    private static byte[] Floats(int n) => Enumerable.Range(0, n).SelectMany(i => BitConverter.GetBytes((float)i / 10)).ToArray();

    // Each of these is refused by numpy.load (checked against NumPy itself below).
    public static TheoryData<string> HeadersNumPyRefuses => new()
    {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), 'extra': 1, }",
        "{'descr': '<f4', 'shape': (4, 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (8), }",
        "{'descr': '<f4', 'fortran_order': 'False', 'shape': (4, 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4.0, 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [4, 2], }",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (4, 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), ",
        "descr '<f4' fortran_order False shape (4, 2)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), } {'shape': (1, 2)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), 'shape': (4, 2) 'x'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (4, 2), } trailing",
        "{'descr': '<f4', 'fortran_order': None, 'shape': (4, 2), }",
        "{'Descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }",
    };

    [Theory]
    [MemberData(nameof(HeadersNumPyRefuses))]
    public void HeadersNumPyRefusesAreRefusedNamingTheFile(string dict)
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, NpyWithHeader(dict, Floats(8)));
        // The oracle: NumPy itself refuses this file (so the test is about NumPy's format, not our taste).
        string numpy = Python.Run("-c", $"import numpy as np\ntry:\n    np.load('{path}')\n    print('accepted')\nexcept Exception as e:\n    print('refused')");
        Assert.Equal("refused", numpy.Trim());
        var e = Assert.Throws<CultureNetException>(() => NpyMatrix.Load(path, allowVector: true));
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void TextAfterTheDictIsNotReadAsFeatures()
    {
        // The regex reader found 'shape' in the trailing text and read the header's own bytes as feature values.
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }{'shape': (3, 4)}", Floats(4)));
        var e = Assert.Throws<CultureNetException>(() => NpyMatrix.Load(path));
        Assert.Contains("malformed .npy header", e.Message);
    }

    [Fact]
    public void HeadersNumPyWritesAreReadInEveryVersion()
    {
        using var dir = new TempDir();
        Python.Run("-c", $$"""
import numpy as np
from numpy.lib import format as f
a = np.arange(12, dtype=np.float32).reshape(4, 3)
for v in [(1, 0), (2, 0), (3, 0)]:
    with open('{{dir.File("v")}}' + str(v[0]) + '.npy', 'wb') as fh:
        f.write_array(fh, a, version=v)
np.save('{{dir.File("vec.npy")}}', np.arange(5, dtype=np.float32))
""");
        foreach (int v in new[] { 1, 2, 3 })
        {
            var m = NpyMatrix.Load(dir.File($"v{v}.npy"));
            Assert.Equal((4, 3), ((int)m.Rows, m.Cols));
            Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), m.ToArray());
        }
        Assert.Equal(5, NpyMatrix.Load(dir.File("vec.npy"), allowVector: true).Rows);
    }

    [Theory]
    [InlineData(7, "short")]   // one value missing
    [InlineData(9, "after")]   // one value too many
    public void DataLengthMustMatchTheShapeExactly(int values, string expected)
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", Floats(values)));
        var e = Assert.Throws<CultureNetException>(() => NpyMatrix.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected == "short" ? "truncated" : "bytes after", e.Message);
    }

    [Fact]
    public void TrailingDataAfterOneDeclaredRowIsRefused()
    {
        // The sweep's case: a header corrupted to shape (1, 8) over 64 rows of data predicted 1 row out of 64.
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 8), }", Floats(64 * 8)));
        var e = Assert.Throws<CultureNetException>(() => NpyMatrix.Load(path));
        Assert.Contains("the header and the data disagree", e.Message);
    }

    [Fact]
    public void AHugeDeclaredShapeIsRefusedBeforeAnyAllocation()
    {
        using var dir = new TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 4000000000), }", Floats(8)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CultureNetException>(() => NpyMatrix.Load(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated in proportion to the declared shape");
        Assert.StartsWith(path, e.Message);
        Assert.Contains("4000000000", e.Message);
    }

    [Fact]
    public void WrittenHeadersRoundTripForAnyShape()
    {
        // Property: for every element type and shape (0–3 dims, sizes up to 10^12), WriteHeader then ReadHeader gives
        // the same type and shape, and the data start where the header says, on a 64-byte boundary.
        var gen = Gen.Select(Gen.Enum<NpyElement>(), Gen.Long[0, 1_000_000_000_000L].Array[0, 3]);
        gen.Sample((element, shape) =>
        {
            long count = 1;
            foreach (var d in shape) count = d == 0 ? 0 : (count > long.MaxValue / 8 / d ? -1 : count * d);
            if (count < 0) return true; // overflows the format's byte count: not a writable array
            var bytes = NpyFormat.WriteHeader(element, shape);
            var h = NpyFormat.ReadHeader(new MemoryStream(bytes), "gen.npy");
            return h.Element == element && h.Shape.SequenceEqual(shape) && h.DataOffset == bytes.Length && bytes.Length % 64 == 0;
        });
    }
}
