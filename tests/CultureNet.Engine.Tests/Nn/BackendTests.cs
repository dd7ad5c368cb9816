using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Choosing the native backend from the managed API, and the messages when one is missing.</summary>
public class BackendTests
{
    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void TheBackendAskedForIsTheOneThatRuns(string backend)
    {
        using var model = GenNet.Create(12, [8], seed: 1);
        model.Backend = backend;
        Assert.Equal(backend, model.Backend);
        Assert.StartsWith(backend, NativeBackends.Describe(backend));
        model.Compile(optimizer: new Adadelta());
        Assert.Equal(backend, model.Backend);
        Assert.StartsWith($"{backend} ", model.BackendInfo);
        var (x, y) = Support.Data.Regression(64, 12, seed: 1);
        var h = model.Fit(x, y, epochs: 3, batchSize: 16);
        Assert.True(h["loss"][2] < h["loss"][0], "training should lower the loss");
    }

    [Fact]
    public void TheDefaultIsOnednnWhereItIsInstalled()
    {
        // This host has libdnnl2 (tools/bootstrap.sh installs it), so the default model runs on oneDNN.
        using var model = GenNet.Create(12, [8], seed: 1);
        Assert.Null(model.Backend);
        model.Build();
        Assert.Equal(NativeBackends.OneDnn, model.Backend);
        Assert.StartsWith("onednn 2.", model.BackendInfo);
        Assert.StartsWith("onednn 2.", NativeBackends.Describe(null));
    }

    [Fact]
    public void BackendIsFixedOnceBuiltAndUnknownNamesAreRejected()
    {
        using var model = new Sequential(seed: 1, backend: NativeBackends.OpenBlas);
        model.Add(new CultureNet.Engine.Nn.Layers.Dense(2, inputDim: 3));
        model.Build();
        var e = Assert.Throws<CultureNetException>(() => model.Backend = NativeBackends.OneDnn);
        Assert.Contains("fixed when the model is built", e.Message);
        Assert.Contains("'cuda' is unknown (expected onednn or openblas", Assert.Throws<CultureNetException>(() => new Sequential(backend: "cuda")).Message);
    }

    [Fact]
    public void BothBackendsTrainToTheSameWeightsWithinFloat32Rounding()
    {
        var (x, y) = Support.Data.Regression(200, 12, seed: 4);
        var weights = new List<float[][]>();
        foreach (var backend in NativeBackends.Names)
        {
            using var model = GenNet.Create(12, [16, 8], seed: 3);
            model.Backend = backend;
            model.Compile(optimizer: new Adadelta(lr: 0.01));
            model.Fit(x, y, epochs: 2, batchSize: 50, shuffle: false);
            weights.Add(model.GetWeights());
        }
        for (int i = 0; i < weights[0].Length; i++)
            for (int j = 0; j < weights[0][i].Length; j++)
                Assert.True(Math.Abs(weights[0][i][j] - weights[1][i][j]) <= 1e-5 * (1 + Math.Abs(weights[0][i][j])),
                            $"array {i} entry {j}: {weights[0][i][j]} vs {weights[1][i][j]}");
    }
}
