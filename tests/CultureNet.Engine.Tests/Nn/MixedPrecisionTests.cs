using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Keras' dtype policies from the managed API. (The numerical bounds of mixed_bfloat16 against float32 are the
/// native suite's, tests/test_mixed_precision.cpp.)</summary>
[Collection(GlobalPolicyCollection.Name)]
public class MixedPrecisionTests
{
    [Fact]
    public void PolicyNamesAndDtypesMirrorKeras()
    {
        Policy mixed = "mixed_bfloat16";
        Assert.Equal("mixed_bfloat16", mixed.Name);
        Assert.Equal("bfloat16", mixed.ComputeDtype);
        Assert.Equal("float32", mixed.VariableDtype);
        Policy f32 = "float32";
        Assert.Equal("float32", f32.ComputeDtype);
        Assert.Equal(new Policy("float32"), f32);
        Assert.Contains("not supported", Assert.Throws<CultureNetException>(() => new Policy("mixed_float16")).Message);
        Assert.Contains("unknown", Assert.Throws<CultureNetException>(() => new Policy("int8")).Message);
    }

    [Fact]
    public void AModelTakesTheGlobalPolicyWhenItIsCreated()
    {
        Assert.Equal("float32", MixedPrecision.GlobalPolicy().Name);
        try
        {
            MixedPrecision.SetGlobalPolicy("mixed_bfloat16");
            using var mixed = GenNet.Create(12, [8], seed: 1);
            MixedPrecision.SetGlobalPolicy("float32");
            using var plain = GenNet.Create(12, [8], seed: 1);
            Assert.Equal("mixed_bfloat16", mixed.DtypePolicy.Name);
            Assert.Equal("float32", plain.DtypePolicy.Name);
            mixed.Build();
            Assert.Contains("bf16", mixed.BackendInfo); // e.g. onednn 2.6.3 (brg:avx512_core_amx_bf16)
        }
        finally
        {
            MixedPrecision.SetGlobalPolicy("float32");
        }
    }

    [Fact]
    public void MixedBfloat16TrainsWithBfloat16MatmulsAndFloat32Weights()
    {
        var (x, y) = Support.Data.Regression(256, 12, seed: 2);
        var runs = new Dictionary<string, (float[][] Weights, double Loss)>();
        foreach (var policy in new[] { "float32", "mixed_bfloat16" })
        {
            using var model = GenNet.Create(12, [16, 8], seed: 4);
            model.DtypePolicy = policy;
            model.Compile(optimizer: new Adadelta());
            var h = model.Fit(x, y, epochs: 3, batchSize: 32, shuffle: false);
            Assert.Equal(NativeBackends.OneDnn, model.Backend);
            Assert.True(h["loss"][2] < h["loss"][0], $"{policy}: training should lower the loss");
            runs[policy] = (model.GetWeights(), h["loss"][2]);
        }
        // bfloat16 operands move the weights (float32 rounding alone would not, beyond ~1e-6) ...
        double largest = runs["float32"].Weights.Zip(runs["mixed_bfloat16"].Weights)
            .SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).Max();
        Assert.True(largest > 1e-4, $"mixed_bfloat16 should differ from float32, largest difference {largest}");
        // ... but train the same model: the losses agree to a few percent.
        Assert.Equal(runs["float32"].Loss, runs["mixed_bfloat16"].Loss, 0.05 * runs["float32"].Loss);
    }

    [Fact]
    public void PolicyIsFixedOnceBuiltAndOpenblasRefusesBfloat16InOneLine()
    {
        using var model = new Sequential(seed: 1, dtypePolicy: "mixed_bfloat16");
        model.Add(new CultureNet.Engine.Nn.Layers.Dense(2, inputDim: 3));
        model.Build();
        model.DtypePolicy = "mixed_bfloat16"; // the same policy again is fine
        Assert.Contains("fixed when the model is built", Assert.Throws<CultureNetException>(() => model.DtypePolicy = "float32").Message);

        using var openblas = new Sequential(seed: 1, backend: NativeBackends.OpenBlas, dtypePolicy: "mixed_bfloat16");
        openblas.Add(new CultureNet.Engine.Nn.Layers.Dense(2, inputDim: 3));
        var e = Assert.Throws<CultureNetException>(() => openblas.Build());
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("openblas backend computes in float32 only", e.Message);
        Assert.Contains("use the onednn backend", e.Message);
    }
}

/// <summary>Tests that set the process-wide policy run alone, so no other test builds a model meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalPolicyCollection
{
    public const string Name = "global dtype policy";
}
