using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>
/// Two epochs of `culturenet fit --no-shuffle` from given initial weights against an independent float64
/// re-implementation (tests/oracles/keras_fit_reference.py: PyTorch autograd + Adadelta written out by hand).
/// Every weight must agree to 1e-4 relative (|a − b| ≤ 1e-4 · max(|b|, 1e-3): a weight that ends near zero is held to
/// 1e-7 absolute, below float32's resolution of the ~0.05-sized values it was computed from).
/// </summary>
public class KerasReferenceTests
{
    private static void MakeProblem(TempDir dir, int rows, int dim, int[] widths, int seed)
    {
        Python.Run("-c", $$"""
import numpy as np
rng = np.random.default_rng({{seed}})
x = rng.uniform(-1, 1, ({{rows}}, {{dim}})).astype(np.float32)
y = np.tanh(x[:, :8].sum(axis=1) / 3).astype(np.float32)
np.save('{{dir.File("x.npy")}}', x); np.save('{{dir.File("y.npy")}}', y)
widths = [{{dim}}] + {{"[" + string.Join(",", widths) + "]"}}
init = {}
for i in range(len(widths) - 1):
    limit = np.sqrt(6 / (widths[i] + widths[i + 1]))
    init[f'dense_{i+1}/kernel'] = rng.uniform(-limit, limit, (widths[i], widths[i + 1])).astype(np.float32)
    init[f'dense_{i+1}/bias'] = rng.uniform(-0.1, 0.1, widths[i + 1]).astype(np.float32)
np.savez('{{dir.File("init.npz")}}', **init)
""");
    }

    private static void AssertWeightsAgree(string actualPath, string referencePath)
    {
        var actual = WeightFile.Read(actualPath);
        var reference = WeightFile.Read(referencePath);
        Assert.Equal(reference.Count, actual.Count);
        for (int layer = 0; layer < actual.Count; layer++)
        {
            void Compare(float[] a, float[] b, string what)
            {
                Assert.Equal(b.Length, a.Length);
                for (int i = 0; i < a.Length; i++)
                {
                    double tolerance = 1e-4 * Math.Max(Math.Abs(b[i]), 1e-3);
                    if (Math.Abs(a[i] - b[i]) > tolerance)
                        Assert.Fail($"dense_{layer + 1} {what}[{i}]: engine {a[i]:R}, reference {b[i]:R}, difference {Math.Abs(a[i] - b[i]):E2} > {tolerance:E2}");
                }
            }
            Compare(actual[layer].Kernel, reference[layer].Kernel, "kernel");
            Compare(actual[layer].Bias, reference[layer].Bias, "bias");
        }
    }

    [Fact]

    [Trait("Category", "Slow")]
    public void TwoEpochsWithoutShuffleMatchTheFloat64Reference()
    {
        using var dir = new TempDir();
        // GenNet's real shape; 300 rows = two full batches of 128 and a partial batch of 44.
        MakeProblem(dir, rows: 300, dim: 2048, widths: [500, 200, 100, 50, 1], seed: 1);
        var fit = CliProcess.Run("fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--epochs", "2", "--batch-size", "128",
                          "--no-shuffle", "--init-weights", dir.File("init.npz"), "--save-weights", dir.File("engine.npz"),
                          "--history", dir.File("history.csv"));
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Python.Run(Python.Oracle("keras_fit_reference.py"), dir.File("x.npy"), dir.File("y.npy"), dir.File("init.npz"),
                   "2", "128", "1.0", dir.File("reference.npz"));
        AssertWeightsAgree(dir.File("engine.npz"), dir.File("reference.npz"));

        // The logged epoch losses agree too.
        var lines = File.ReadAllLines(dir.File("history.csv"));
        var referenceLoss = Python.Run("-c", $"import numpy as np; print(' '.join(repr(v) for v in np.load('{dir.File("reference.npz")}')['epoch_loss']))")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse).ToArray();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            double engineLoss = double.Parse(lines[epoch + 1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(referenceLoss[epoch], engineLoss, 5);
        }
    }

    [Fact]

    [Trait("Category", "Slow")]
    public void LrFromTfKeras23AlsoMatches()
    {
        using var dir = new TempDir();
        MakeProblem(dir, rows: 100, dim: 40, widths: [20, 10, 5, 3, 1], seed: 2);
        var fit = CliProcess.Run("fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--epochs", "3", "--batch-size", "32",
                          "--hidden", "20,10,5,3", "--lr", "0.001", "--no-shuffle", "--init-weights", dir.File("init.npz"),
                          "--save-weights", dir.File("engine.npz"));
        Assert.True(fit.ExitCode == 0, fit.Stderr + fit.Stdout);
        Python.Run(Python.Oracle("keras_fit_reference.py"), dir.File("x.npy"), dir.File("y.npy"), dir.File("init.npz"),
                   "3", "32", "0.001", dir.File("reference.npz"));
        AssertWeightsAgree(dir.File("engine.npz"), dir.File("reference.npz"));
    }
}
