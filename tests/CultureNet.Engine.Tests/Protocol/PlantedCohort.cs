using CultureNet.Engine.Data;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// A small seeded synthetic cohort for protocol tests whose structure makes the paper's orderings a matter of using
/// the right data: per child a smooth latent engagement e (C0 high and narrow, C1 spread), features
/// x = e·(s·u + c·w_culture + p·v_child) + offset_child + noise, with a child's private direction v stronger than the
/// shared one and opposite culture directions (w_C1 = −w_C0). A model that saw the target child (SD) can learn v; a
/// model trained on the other culture (M2) learns −w. Written as a feature store in <paramref name="dir"/>.
/// </summary>
public static class PlantedCohort
{
    public static FeatureStore Write(string dir, int childrenPerCulture = 6, int frames = 500, int dim = 16, int seed = 3,
        double shared = 0.3, double culture = 0.6, double child = 2.0, double offset = 0.5, double noise = 0.5, double rho = 0.8)
    {
        var random = new Random(seed);
        double[] Direction()
        {
            var v = Enumerable.Range(0, dim).Select(_ => Gaussian(random)).ToArray();
            double norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm * Math.Sqrt(dim) / 2).ToArray();
        }
        var u = Direction();
        var w = Direction();
        var features = new float[dim];
        using (var writer = FeatureStoreWriter.Create(dir, dim))
        {
            for (byte c = 0; c < 2; c++)
                for (int k = 1; k <= childrenPerCulture; k++)
                {
                    double mean = c == 0 ? 0.3 + 0.4 * random.NextDouble() : -0.3 + 0.6 * random.NextDouble();
                    double sd = c == 0 ? 0.15 + 0.1 * random.NextDouble() : 0.3 + 0.15 * random.NextDouble();
                    var v = Direction();
                    var o = Direction();
                    double z = Gaussian(random);
                    for (int t = 0; t < frames; t++)
                    {
                        z = rho * z + Math.Sqrt(1 - rho * rho) * Gaussian(random);
                        double e = mean + sd * z;
                        for (int i = 0; i < dim; i++)
                            features[i] = (float)(e * (shared * u[i] + (c == 0 ? 1 : -1) * culture * w[i] + child * v[i]) + offset * o[i] + noise * Gaussian(random));
                        writer.Append(c, k, t, (float)Math.Clamp(e, -1, 1), features);
                    }
                }
            writer.Finish();
        }
        return FeatureStore.Open(dir);
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
