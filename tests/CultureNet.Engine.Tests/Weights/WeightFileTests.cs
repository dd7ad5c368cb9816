using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Weights;

public class WeightFileTests
{
    [Theory]
    [InlineData("w.h5")]
    [InlineData("w.npz")]
    public void SaveThenLoadGivesIdenticalPredictions(string name)
    {
        using var dir = new TempDir();
        var (x, _) = Support.Data.Regression(64, 30, seed: 1);
        using var original = GenNet.Create(30, [20, 10, 6, 4], seed: 11);
        original.Save(dir.File(name));
        using var loaded = GenNet.Create(30, [20, 10, 6, 4], seed: 99);
        Assert.NotEqual(original.Predict(x), loaded.Predict(x));
        loaded.Load(dir.File(name));
        Assert.Equal(original.Predict(x), loaded.Predict(x));
        using var shaped = GenNet.FromWeightFile(dir.File(name));
        Assert.Equal(original.Predict(x), shaped.Predict(x));
    }

    [Fact]
    public void KerasFileWrittenByH5pyLoadsByLayerOrder()
    {
        // Layer names as a second model in a Keras session gets them (dense_6..dense_10), float32 kernels in x out.
        using var dir = new TempDir();
        var path = dir.File("keras.h5");
        Python.Run("-c", $$"""
import h5py, numpy as np
rng = np.random.default_rng(3)
widths = [7, 5, 4, 3, 2, 1]
x = rng.uniform(-1, 1, (9, 7)).astype(np.float32)
h = x.astype(np.float64)
with h5py.File('{{path}}', 'w') as f:
    names = [f'dense_{i}'.encode() for i in range(6, 11)]
    f.attrs['layer_names'] = names
    f.attrs['backend'] = b'tensorflow'
    f.attrs['keras_version'] = b'2.2.4'
    for i, n in enumerate(names):
        g = f.create_group(n.decode())
        wn = [n + b'/kernel:0', n + b'/bias:0']
        g.attrs['weight_names'] = wn
        k = rng.uniform(-0.5, 0.5, (widths[i], widths[i + 1])).astype(np.float32)
        b = rng.uniform(-0.1, 0.1, widths[i + 1]).astype(np.float32)
        g.create_dataset(wn[0].decode(), data=k)
        g.create_dataset(wn[1].decode(), data=b)
        h = h @ k.astype(np.float64) + b
        if i < 4: h = np.maximum(h, 0)
np.save('{{dir.File("x.npy")}}', x)
np.save('{{dir.File("expected.npy")}}', h[:, 0].astype(np.float32))
""");
        using var model = GenNet.FromWeightFile(path);
        var x = NpyMatrix.Load(dir.File("x.npy"));
        var expected = NpyMatrix.Load(dir.File("expected.npy"), allowVector: true).ToArray();
        var predicted = model.Predict(x);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], predicted[i], 5);
    }

    [Fact]
    public void SavedH5ReadsAsKerasDoes()
    {
        // Keras 2.2 decodes layer_names/weight_names as bytes and reads datasets by those names.
        using var dir = new TempDir();
        using var model = GenNet.Create(6, [5, 4, 3, 2], seed: 4);
        model.Save(dir.File("w.h5"));
        var kernel = model.GetWeights()[4];
        var output = Python.Run("-c", $$"""
import h5py
with h5py.File('{{dir.File("w.h5")}}', 'r') as f:
    names = [n.decode('utf8') for n in f.attrs['layer_names']]
    g = f[names[2]]
    wn = [n.decode('utf8') for n in g.attrs['weight_names']]
    k = g[wn[0]][()]
    print(' '.join(names), f.attrs['keras_version'].decode('utf8'), k.shape, k.dtype, repr(float(k[1, 2])))
""").Trim();
        Assert.Equal($"dense_1 dense_2 dense_3 dense_4 dense_5 2.2.4 (4, 3) float32 {((double)kernel[1 * 3 + 2]).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", output);
    }

    [Theory]
    [InlineData("w.h5")]
    [InlineData("w.npz")]
    public void MismatchedFileListsExpectedAndFound(string name)
    {
        using var dir = new TempDir();
        using var other = GenNet.Create(30, [20, 10, 6], seed: 1);
        other.Save(dir.File(name));
        using var model = GenNet.Create(30, [20, 10, 6, 4], seed: 1);
        var e = Assert.Throws<CultureNetException>(() => model.Load(dir.File(name)));
        Assert.Contains(dir.File(name), e.Message);
        Assert.Contains("Expected 5 layers", e.Message);
        Assert.Contains("dense_5: kernel 4x1", e.Message);
        Assert.Contains("found 4", e.Message);
        Assert.Contains("kernel 6x1", e.Message);
    }

    [Fact]
    public void WrongFilesGetClearErrors()
    {
        using var dir = new TempDir();
        using var model = GenNet.Create(6, [4], seed: 1);
        File.WriteAllText(dir.File("junk.h5"), "not hdf5");
        Assert.Contains("junk.h5", Assert.Throws<CultureNetException>(() => model.Load(dir.File("junk.h5"))).Message);
        File.WriteAllText(dir.File("junk.npz"), "not a zip");
        Assert.Contains("junk.npz", Assert.Throws<CultureNetException>(() => model.Load(dir.File("junk.npz"))).Message);
        Assert.Contains("unknown weight file type", Assert.Throws<CultureNetException>(() => model.Save(dir.File("w.txt"))).Message);
        Assert.Contains("not found", Assert.Throws<CultureNetException>(() => model.Load(dir.File("missing.h5"))).Message);
        Python.Run("-c", $"import numpy as np; np.savez('{dir.File("other.npz")}', a=np.zeros(3))");
        Assert.Contains("no dense_1/kernel", Assert.Throws<CultureNetException>(() => model.Load(dir.File("other.npz"))).Message);
        Python.Run("-c", $"import h5py; f = h5py.File('{dir.File("plain.h5")}', 'w'); f['x'] = [1, 2]; f.close()");
        Assert.Contains("layer_names", Assert.Throws<CultureNetException>(() => model.Load(dir.File("plain.h5"))).Message);
    }

    [Fact]
    public void SaveLeavesNoTemporaryFiles()
    {
        using var dir = new TempDir();
        using var model = GenNet.Create(6, [4], seed: 1);
        model.Save(dir.File("w.h5"));
        model.Save(dir.File("w.h5")); // overwrite
        Assert.Equal(new[] { "w.h5" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
