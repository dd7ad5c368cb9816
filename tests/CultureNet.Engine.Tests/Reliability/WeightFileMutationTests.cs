using CultureNet.Engine.Models;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// Seeded bit flips of real weight files: reading each either gives weights or one CultureNetException naming the file —
/// never another exception, an out-of-memory or a hang. For .npz (CRC-32 on every member) a flip never yields weights
/// that differ from the original. (Before: PureHDF's Exception/NotSupportedException/FormatException and
/// OutOfMemoryException escaped, and NumSharp accepted flipped weights.)
/// </summary>
public class WeightFileMutationTests
{
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("w.h5", 160)]
    [InlineData("w.npz", 160)]
    public async Task BitFlipsGiveWeightsOrOneCleanError(string name, int mutants)
    {
        using var dir = new TempDir();
        string original = dir.File(name);
        using (var model = GenNet.Create(6, [5, 4], seed: 3)) model.Save(original);
        var reference = WeightFile.Read(original);
        var bytes = File.ReadAllBytes(original);
        var rng = new Random(20261201);
        int refused = 0;
        for (int m = 0; m < mutants; m++)
        {
            var mutant = (byte[])bytes.Clone();
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++) mutant[rng.Next(mutant.Length)] ^= (byte)(1 << rng.Next(8));
            string path = dir.File($"m{m}{Path.GetExtension(name)}");
            File.WriteAllBytes(path, mutant);
            var read = Task.Run(() => WeightFile.Read(path));
            Assert.True(await Task.WhenAny(read, Task.Delay(PerFile)) == read, $"mutant {m}: reading did not finish within {PerFile.TotalSeconds} s");
            if (read.IsFaulted)
            {
                var e = read.Exception!.InnerException!;
                Assert.True(e is CultureNetException, $"mutant {m}: {e.GetType().Name}: {e.Message}");
                Assert.StartsWith(path, e.Message);
                refused++;
                continue;
            }
            if (name.EndsWith(".npz"))
            {
                var layers = await read;
                Assert.Equal(reference.Count, layers.Count);
                for (int i = 0; i < layers.Count; i++)
                {
                    Assert.Equal(reference[i].Kernel, layers[i].Kernel);
                    Assert.Equal(reference[i].Bias, layers[i].Bias);
                }
            }
        }
        Assert.True(refused > mutants / 4, $"only {refused} of {mutants} mutants were refused");
    }

    [Fact]
    public void H5DatasetDeclaringMoreThanTheFileHoldsIsRefusedNamingFileAndDataset()
    {
        using var dir = new TempDir();
        string path = dir.File("big.h5");
        // A Keras layout whose kernel is (7, 13); then the stored dimension 13 is patched to 2e9 (dims and max dims).
        Python.Run("-c", $$"""
import h5py, numpy as np, struct
p = '{{path}}'
with h5py.File(p, 'w') as f:
    f.attrs['layer_names'] = [b'dense_1']
    g = f.create_group('dense_1')
    g.attrs['weight_names'] = [b'dense_1/kernel:0', b'dense_1/bias:0']
    g.create_dataset('dense_1/kernel:0', data=np.ones((7, 13), np.float32))
    g.create_dataset('dense_1/bias:0', data=np.zeros(13, np.float32))
b = open(p, 'rb').read()
old = struct.pack('<QQ', 7, 13)
assert old in b
open(p, 'wb').write(b.replace(old, struct.pack('<QQ', 7, 2_000_000_000)))
""");
        var e = Assert.Throws<CultureNetException>(() => WeightFile.Read(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("kernel:0", e.Message);
        Assert.Contains("2000000000", e.Message);
    }

    [Fact]
    public void H5WithNonFiniteWeightIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("inf.h5");
        Python.Run("-c", $$"""
import h5py, numpy as np
with h5py.File('{{path}}', 'w') as f:
    f.attrs['layer_names'] = [b'dense_1']
    g = f.create_group('dense_1')
    g.attrs['weight_names'] = [b'dense_1/kernel:0', b'dense_1/bias:0']
    g.create_dataset('dense_1/kernel:0', data=np.ones((3, 1), np.float32))
    g.create_dataset('dense_1/bias:0', data=np.array([np.inf], np.float32))
""");
        var e = Assert.Throws<CultureNetException>(() => WeightFile.Read(path));
        Assert.Contains("layer 'dense_1' bias weight [0] is", e.Message);
        Assert.Contains("finite", e.Message);
    }
}
