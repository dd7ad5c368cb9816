using System.IO.Compression;
using CultureNet.Engine.Data;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// Weight .npz files: every damage is one CultureNetException naming the file and member. (Before: NumSharp threw
/// FormatException for a malformed member header, an object member or a member that is not .npy, ran out of memory on a
/// declared shape (8, 4e9), never checked CRC-32 — predictions silently wrong — and accepted NaN weights.)
/// </summary>
public class NpzWeightsReadingTests
{
    private static string SavedWeights(TempDir dir, string name = "w.npz")
    {
        using var model = GenNet.Create(6, [5, 4], seed: 3);
        string path = dir.File(name);
        model.Save(path);
        return path;
    }

    /// <summary>An npz whose members are the given (name, bytes), written the way np.savez does (stored).</summary>
    private static string Npz(TempDir dir, params (string Name, byte[] Bytes)[] members)
    {
        string path = dir.File("m.npz");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in members)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(bytes);
        }
        return path;
    }

    private static byte[] Array(string descr, string shape, int dataBytes) =>
        NpyStrictReadingTests.NpyWithHeader($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", new byte[dataBytes]);

    private static CultureNetException Refused(string path)
    {
        var e = Assert.Throws<CultureNetException>(() => WeightFile.Read(path));
        Assert.StartsWith(path, e.Message);
        return e;
    }

    [Fact]
    public void MalformedMemberHeader()
    {
        using var dir = new TempDir();
        var bad = NpyStrictReadingTests.NpyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, }", new byte[24]);
        var e = Refused(Npz(dir, ("dense_1/kernel.npy", bad), ("dense_1/bias.npy", Array("<f4", "(3,)", 12))));
        Assert.Contains("dense_1/kernel", e.Message);
    }

    [Fact]
    public void ObjectMember()
    {
        using var dir = new TempDir();
        var path = dir.File("obj.npz");
        Python.Run("-c", $"import numpy as np; np.savez('{path}', **{{'dense_1/kernel': np.array([[1, 'a']], dtype=object), 'dense_1/bias': np.zeros(2, np.float32)}})");
        Assert.Contains("object array", Refused(path).Message);
    }

    [Fact]
    public void MemberThatIsNotNpy()
    {
        using var dir = new TempDir();
        var e = Refused(Npz(dir, ("dense_1/kernel.npy", Array("<f4", "(2, 3)", 24)), ("dense_1/bias.npy", Array("<f4", "(3,)", 12)),
            ("notes.txt", "hello"u8.ToArray())));
        Assert.Contains("notes.txt", e.Message);
    }

    [Fact]
    public void HugeDeclaredShapeIsRefusedWithoutAllocating()
    {
        using var dir = new TempDir();
        var path = Npz(dir, ("dense_1/kernel.npy", Array("<f4", "(8, 4000000000)", 32)), ("dense_1/bias.npy", Array("<f4", "(3,)", 12)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("dense_1/kernel", e.Message);
    }

    [Fact]
    public void AFlippedBitInAWeightFailsTheCrcCheck()
    {
        using var dir = new TempDir();
        string path = SavedWeights(dir);
        var bytes = File.ReadAllBytes(path);
        // The members are stored (as np.savez stores them): the first member's data follow its .npy header. Flip the
        // lowest bit of its first weight's low byte: still a finite number, only the CRC can tell.
        int npy = IndexOf(bytes, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y']);
        int data = npy + 10 + (bytes[npy + 8] | bytes[npy + 9] << 8);
        bytes[data] ^= 1;
        File.WriteAllBytes(path, bytes);
        var e = Refused(path);
        Assert.Contains("CRC-32 mismatch", e.Message);
        Assert.Contains("dense_1/kernel", e.Message);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedNamingLayerAndIndex()
    {
        using var dir = new TempDir();
        string path = dir.File("nan.npz");
        Python.Run("-c", $"import numpy as np; k = np.ones((2, 3), np.float32); k[1, 2] = np.nan; np.savez('{path}', **{{'dense_1/kernel': k, 'dense_1/bias': np.zeros(3, np.float32)}})");
        var e = Refused(path);
        Assert.Contains("dense_1/kernel", e.Message);
        Assert.Contains("[1, 2]", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void ArchiveThatIsNotAZip()
    {
        using var dir = new TempDir();
        string path = SavedWeights(dir);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]); // the end-of-central-directory record is cut off
        Assert.Contains("not a readable .npz", Refused(path).Message);
    }

    [Fact]
    public void SavingTheSameWeightsTwiceGivesIdenticalBytesReadableByNumPy()
    {
        using var dir = new TempDir();
        string first = SavedWeights(dir, "a.npz");
        Thread.Sleep(2100); // zip timestamps have 2-second resolution: a clock-stamped writer would differ now
        string second = SavedWeights(dir, "b.npz");
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        string keys = Python.Run("-c", $"import numpy as np; z = np.load('{first}'); print(sorted(z.files), z['dense_1/kernel'].shape, z['dense_1/kernel'].dtype)");
        Assert.Equal("['dense_1/bias', 'dense_1/kernel', 'dense_2/bias', 'dense_2/kernel', 'dense_3/bias', 'dense_3/kernel'] (6, 5) float32", keys.Trim());
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
