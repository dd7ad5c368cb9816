using System.Buffers.Binary;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// What the fuzz targets for Keras files found (keras-archive, h5-weights), each reduced to the damage that caused it.
/// (Before: an InvalidDataException and an IndexOutOfRangeException escaped as crashes.)
/// </summary>
public class KerasFileFindingsTests
{
    [Fact]
    public void AnEmptyKernelIsCheckedForFinitenessWithoutThrowing()
    {
        // A damaged .h5 gave dense_9 a (0, 1) kernel; TensorPrimitives.IsFiniteAll threw on the empty array.
        new LayerWeights("dense_9", [], 0, 1, [0.5f]).EnsureFinite("w.h5");
        var e = Assert.Throws<CultureNetException>(() => new LayerWeights("dense_1", [1f, float.PositiveInfinity], 1, 2, [0f, 0f]).EnsureFinite("w.h5"));
        Assert.Equal("w.h5: layer 'dense_1' kernel weight [0, 1] is Infinity; weights must be finite (was the model trained into NaN?)", e.Message);
    }

    [Fact]
    public void AKerasArchiveWhoseCentralDirectoryCountIsWrongIsOneError()
    {
        using var dir = new TempDir();
        string path = dir.File("m.keras");
        using (var model = GenNet.Create(4, [3], seed: 3))
        {
            model.Compile(new Adadelta(), "mse", ["mae"]);
            model.SaveModel(path);
        }
        var bytes = File.ReadAllBytes(path);
        // The end-of-central-directory record: its entry counts (offsets 8 and 10) no longer match the directory, which
        // System.IO.Compression notices only when the entries are first listed, not when the archive is opened.
        int eocd = bytes.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        Assert.True(eocd > 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(eocd + 8), 7);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(eocd + 10), 7);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CultureNetException>(() => KerasModels.LoadModel(path));
        Assert.StartsWith($"{path}: not a readable .keras (zip) archive", e.Message);
    }

    [Fact]
    public void AFlippedByteInsideAKerasArchiveMemberFailsItsCrc()
    {
        using var dir = new TempDir();
        string path = dir.File("m.keras");
        using (var model = GenNet.Create(4, [3], seed: 3)) model.SaveModel(path);
        var bytes = File.ReadAllBytes(path);
        int config = bytes.AsSpan().IndexOf("\"class_name\""u8);
        Assert.True(config > 0);
        bytes[config + 1] ^= 0x20; // "class_name" -> "Class_name": still valid JSON, but not what Keras wrote
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CultureNetException>(() => KerasModels.LoadModel(path));
        Assert.Contains("member 'config.json': CRC-32 mismatch", e.Message);
    }
}
