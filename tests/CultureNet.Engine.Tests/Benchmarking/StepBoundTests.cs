using CultureNet.Benchmarking;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Tests.Benchmarking;

public sealed class StepBoundTests
{
    private static readonly EngineCase OneDnn = new(NativeBackends.OneDnn, Policy.Float32);
    private static readonly EngineCase OpenBlas = new(NativeBackends.OpenBlas, Policy.Float32);

    [Fact]
    public void GenNet_step_has_every_forward_and_weight_gradient_and_the_input_gradients_above_the_first_layer()
    {
        var products = StepBound.Products(128, StepBound.GenNetWidths);
        Assert.Equal(14, products.Count);
        Assert.Equal(new StepProduct("forward 1", 128, 500, 2048), products[0]);
        Assert.Equal(new StepProduct("forward 5", 128, 1, 50), products[4]);
        // Backward from the top: the last layer's weight gradient and input gradient first, fc1's weight gradient last.
        Assert.Equal(new StepProduct("weight gradient 5", 50, 1, 128), products[5]);
        Assert.Equal(new StepProduct("input gradient 5", 128, 50, 1), products[6]);
        Assert.Equal(new StepProduct("input gradient 2", 128, 500, 200), products[12]);
        Assert.Equal(new StepProduct("weight gradient 1", 2048, 500, 128), products[13]);
        Assert.DoesNotContain(products, p => p.Name == "input gradient 1");
        // 2 x (forward + weight gradient of every layer + input gradients of layers 2-5) multiply-adds per sample.
        Assert.Equal(128.0 * 2 * (2 * 1_149_050 + (1_149_050 - 2048 * 500)), products.Sum(p => p.Flops));
        Assert.Equal(1_149_050 + 500 + 200 + 100 + 50 + 1, StepBound.Parameters(StepBound.GenNetWidths));
    }

    [Fact]
    public void Each_product_counts_at_its_fastest_backend_and_orientation_and_the_update_at_its_stream_time()
    {
        int[] widths = [8, 4, 2];
        // Fake rates: openblas is 4x faster on tall products (M > N), onednn 2x faster on the rest; so each product's
        // best is found only by trying both backends and both orientations.
        double Seconds(EngineCase c, StepProduct p)
        {
            double rate = c == OpenBlas ? (p.M > p.N ? 4e9 : 1e9) : (p.M > p.N ? 1e9 : 2e9);
            return p.Flops / rate;
        }
        long streamed = 0;
        var bound = StepBound.Compute(16, widths, [OneDnn, OpenBlas], Seconds, parameters => { streamed = parameters; return 1e-3; });
        // Every product (or its transpose) has one tall side unless square; the best is openblas at 4e9 when M != N.
        double expected = StepBound.Products(16, widths).Sum(p => p.M == p.N ? p.Flops / 2e9 : p.Flops / 4e9);
        Assert.Equal(expected, bound.ProductSeconds, 12);
        Assert.Equal(8 * 4 + 4 + 4 * 2 + 2, streamed);
        Assert.Equal(expected + 1e-3, bound.SecondsPerBatch, 12);
        Assert.Equal(16 / (expected + 1e-3), bound.SamplesPerSecond, 6);
        // Against the limit timed the same way: forward 1 (16 x 4 x 8, tall) on its fastest backend, openblas at 4e9;
        // 6 x (8*4 + 4*2) multiply-adds a sample are counted.
        Assert.Equal(2.0 * 16 * 4 * 8 / 4e9, bound.FirstForwardSeconds, 15);
        Assert.Equal(6.0 * (8 * 4 + 4 * 2) * 16, bound.CountedFlopsPerBatch);
        Assert.Equal(6.0 * 40 * 16 / 4e9 / (expected + 1e-3), bound.RatioToLimit, 9);
        // One backend alone gives its own best orientation only.
        var oneDnnOnly = StepBound.Compute(16, widths, [OneDnn], Seconds, _ => 0);
        Assert.Equal(StepBound.Products(16, widths).Sum(p => p.Flops / 2e9), oneDnnOnly.ProductSeconds, 12);
    }

    [Fact]
    public void Bad_shapes_and_no_backend_are_refused_with_what_was_expected()
    {
        Assert.Contains("expected >= 1", Assert.Throws<ArgumentException>(() => StepBound.Products(0, [8, 1])).Message);
        Assert.Contains("at least one layer", Assert.Throws<ArgumentException>(() => StepBound.Products(4, [8])).Message);
        Assert.Contains("no float32 backend",
            Assert.Throws<ArgumentException>(() => StepBound.Compute(4, [8, 1], [], (_, _) => 1, _ => 1)).Message);
    }

    [Fact]
    public void Measured_on_this_machine_every_part_takes_time()
    {
        var bound = StepBound.Measure([OneDnn, OpenBlas], batch: 16, widths: [64, 32, 1]);
        Assert.True(bound.ProductSeconds > 0 && double.IsFinite(bound.ProductSeconds), bound.ToString());
        Assert.True(bound.UpdateSeconds > 0 && double.IsFinite(bound.UpdateSeconds), bound.ToString());
        Assert.Equal(16, bound.Batch);
    }

    [Fact]
    public void Update_traffic_probe_refuses_bad_arguments_with_the_native_message()
    {
        var e = Assert.Throws<CultureNetException>(() => NativeBackends.TimeUpdateTraffic(0, 1));
        Assert.Contains("cn_time_update_traffic", e.Message);
        Assert.Contains("expected both >= 1", e.Message);
    }
}
