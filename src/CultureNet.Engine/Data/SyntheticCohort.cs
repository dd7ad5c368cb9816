using CultureNet.Engine.Cohort;
using CultureNet.Engine.Determinism;
using System.Numerics.Tensors;

namespace CultureNet.Engine.Data;

/// <summary>Sizes and seed of a synthetic cohort. The defaults are the paper's scale (2 × 15 × 6000 × 2048 ≈ 1.5 GB).</summary>
public sealed record SyntheticCohortOptions
{
    public int ChildrenPerCulture { get; init; } = 15;
    public int FramesPerChild { get; init; } = 6000;
    public int Dim { get; init; } = 2048;
    public long Seed { get; init; } = 1;
    public FeatureDType DType { get; init; } = FeatureDType.Float32;

    internal void Validate()
    {
        if (ChildrenPerCulture is < 1 or > 15) throw new CultureNetException($"children per culture must be 1 … 15 (the reference cohort's size), got {ChildrenPerCulture}");
        if (FramesPerChild < 10) throw new CultureNetException($"frames per child must be at least 10, got {FramesPerChild}");
        if (Dim < 1) throw new CultureNetException($"feature dimension must be positive, got {Dim}");
    }
}

/// <summary>
/// The seeded synthetic cohort of docs/synthetic-data.md: the study's shape with planted structure, because the
/// study's features are not public. A test bed, not evidence for the paper's claims (see <see cref="Disclaimer"/>).
///
/// Per child k of culture c, frame t:
///   e_t   latent engagement = μ_k + σ_k·z_t, z an Ornstein–Uhlenbeck process (unit variance, correlation time τ_k),
///         μ_k, σ_k drawn per culture like the paper's Fig. 2: C0 (Japan) mostly high and narrow, C1 (Serbia) spread;
///   label = clip(e_t + small annotator noise, −1, 1);
///   x_t   = s_c ⊙ g_k ⊙ ( e_t·(u + w_c + v_k) + (e_t² − m)·u₂ + Σ_j n_{t,j}·q_{k,j} ) + b_c + o_k + ε_t.
/// Shared across everyone: the engagement direction u and a mild quadratic term u₂ (the map an MLP learns).
/// Culture-specific: shift b_c, per-feature scale s_c and an extra engagement direction w_c — so a model
/// trained on the other culture (M2) sees shifted, rescaled inputs, a partly wrong direction and the wrong
/// label distribution: the weakest subject-independent setting.
/// Child-specific: offset o_k, per-feature gain g_k, a private engagement direction v_k, and smooth nuisance
/// factors n_{t,j} (pose, lighting) whose directions q_{k,j} overlap u with a child-specific sign and size —
/// to a model that never saw the child they look like engagement changes, which is what makes
/// subject-independent models struggle while subject-dependent ones (trained on 20% of the child) win.
/// </summary>
public static class SyntheticCohort
{
    public const string Disclaimer =
        "SYNTHETIC data (seeded generator with planted structure, docs/synthetic-data.md) — a test bed, not the study's data and not evidence for the paper's claims.";

    // Per-feature amplitudes of the planted terms (feature noise ε has SD 1).
    private const float SharedDirection = 0.20f, QuadraticDirection = 0.10f, CultureDirection = 0.35f, ChildDirection = 0.80f;
    private const float CultureShift = 0.5f, CultureLogScale = 0.30f, ChildOffset = 0.4f, ChildLogGain = 0.25f;
    private const int NuisanceFactors = 6;
    private const float NuisanceDirection = 0.25f, NuisanceConfound = 0.4f, SharedNuisanceWeight = 0.3f, NuisanceTau = 60f, PaperFrames = 6000f, NoiseSd = 1.0f;

    public static long RowCount(SyntheticCohortOptions options) => 2L * options.ChildrenPerCulture * options.FramesPerChild;

    /// <summary>Writes the cohort as a feature store in <paramref name="dir"/> (streaming; atomic on completion).</summary>
    public static void Generate(string dir, SyntheticCohortOptions options, IProgress<RowProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        using var writer = FeatureStoreWriter.Create(dir, options.Dim, options.DType);
        writer.IsSynthetic = true;
        WriteTo(writer, options, progress, cancel);
        writer.Finish();
    }

    /// <summary>Appends the cohort's rows, grouped by (culture, child) in frame order, to <paramref name="writer"/>.</summary>
    public static void WriteTo(FeatureStoreWriter writer, SyntheticCohortOptions options, IProgress<RowProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (writer.Dim != options.Dim) throw new CultureNetException($"the writer has D = {writer.Dim}, the cohort options D = {options.Dim}");
        int d = options.Dim, frames = options.FramesPerChild;
        long total = RowCount(options), done = 0;

        var rng = SplitMix64.For(options.Seed, 1);
        float[] u = RandomVector(ref rng, d, SharedDirection);
        float[] u2 = RandomVector(ref rng, d, QuadraticDirection);
        float[][] nuisancePool = Enumerable.Range(0, NuisanceFactors).Select(_ => RandomVector(ref rng, d, NuisanceDirection)).ToArray();

        const int chunk = 256;
        var features = new float[chunk * d];
        var cultures = new byte[chunk];
        var children = new int[chunk];
        var frameIds = new int[chunk];
        var labels = new float[chunk];

        for (int culture = 0; culture < CultureCodes.Count; culture++)
        {
            var crng = SplitMix64.For(options.Seed, 2, culture);
            float[] w = RandomVector(ref crng, d, CultureDirection);
            float[] shift = RandomVector(ref crng, d, CultureShift);
            float[] scale = RandomVector(ref crng, d, CultureLogScale);
            for (int i = 0; i < d; i++) scale[i] = MathF.Exp(scale[i]);

            foreach (int child in CultureCodes.ReferenceChildIds(culture).Take(options.ChildrenPerCulture))
            {
                var child_ = ChildModel.Create(options.Seed, culture, child, d, frames, u, u2, w, shift, scale, nuisancePool);
                for (int t0 = 0; t0 < frames; t0 += chunk)
                {
                    cancel.ThrowIfCancellationRequested();
                    int n = Math.Min(chunk, frames - t0);
                    Parallel.For(0, n, i => child_.Frame(options.Seed, t0 + i, features.AsSpan(i * d, d)));
                    for (int i = 0; i < n; i++)
                    {
                        cultures[i] = (byte)culture;
                        children[i] = child;
                        frameIds[i] = t0 + i;
                        labels[i] = child_.Labels[t0 + i];
                    }
                    writer.AppendRows(cultures.AsSpan(0, n), children.AsSpan(0, n), frameIds.AsSpan(0, n), labels.AsSpan(0, n), features.AsSpan(0, n * d));
                    done += n;
                    progress?.Report(new RowProgress(done, total));
                }
            }
        }
    }

    private static float[] RandomVector(ref SplitMix64 rng, int d, float sd)
    {
        var v = new float[d];
        for (int i = 0; i < d; i++) v[i] = (float)(rng.Gaussian() * sd);
        return v;
    }

    /// <summary>One child's precomputed maps and latent time series.</summary>
    private sealed class ChildModel
    {
        private int _culture, _child;
        private float[] _engagementMap = [], _quadraticMap = [], _offset = [];
        private float[][] _nuisanceMaps = [];
        private float[] _engagement = [], _quadratic = [];
        private float[][] _nuisance = [];
        public float[] Labels { get; private set; } = [];

        public static ChildModel Create(long seed, int culture, int child, int d, int frames, float[] u, float[] u2, float[] w,
            float[] shift, float[] scale, float[][] nuisancePool)
        {
            var rng = SplitMix64.For(seed, 3, culture, child);
            var m = new ChildModel { _culture = culture, _child = child };

            // Label distribution per culture (paper Fig. 2): C0 mostly high with little spread, C1 spread out.
            double mean = culture == CultureCodes.Japan ? rng.Uniform(0.35, 0.80) : rng.Uniform(-0.35, 0.45);
            double sd = culture == CultureCodes.Japan ? rng.Uniform(0.08, 0.30) : rng.Uniform(0.25, 0.50);
            // Correlation times are set for the study's ~6000 frames per child and scale with the recording length, so a
            // short demo cohort's 20% portion still spans several of them (and samples the child's engagement range).
            double tau = rng.Uniform(80, 300) * frames / PaperFrames;
            var z = OrnsteinUhlenbeck(ref rng, frames, tau);
            var annotator = OrnsteinUhlenbeck(ref rng, frames, 10);
            m._engagement = new float[frames];
            m.Labels = new float[frames];
            for (int t = 0; t < frames; t++)
            {
                double e = mean + sd * z[t];
                m._engagement[t] = (float)e;
                m.Labels[t] = (float)Math.Clamp(e + 0.05 * annotator[t], -1, 1);
            }
            float meanSquare = m._engagement.Average(e => e * e);
            m._quadratic = m._engagement.Select(e => e * e - meanSquare).ToArray();

            // Child distortion: per-feature gain on top of the culture scale, an offset, a private engagement direction.
            float[] gain = RandomVector(ref rng, d, ChildLogGain);
            float[] total = new float[d];
            for (int i = 0; i < d; i++) total[i] = scale[i] * MathF.Exp(gain[i]);
            float[] v = RandomVector(ref rng, d, ChildDirection);
            m._engagementMap = new float[d];
            for (int i = 0; i < d; i++) m._engagementMap[i] = total[i] * (u[i] + w[i] + v[i]);
            m._quadraticMap = new float[d];
            TensorPrimitives.Multiply(total, u2, m._quadraticMap);
            m._offset = RandomVector(ref rng, d, ChildOffset);
            TensorPrimitives.Add(m._offset, shift, m._offset);

            // Nuisance factors: shared pool directions, bent per child, leaking into u with a child-specific weight.
            m._nuisanceMaps = new float[NuisanceFactors][];
            m._nuisance = new float[NuisanceFactors][];
            for (int j = 0; j < NuisanceFactors; j++)
            {
                float[] own = RandomVector(ref rng, d, NuisanceDirection);
                // In engagement units: along the direction every child shares (u + w_c) this factor mimics an
                // engagement change of SD |leak|; a subject-independent model cannot tell it apart.
                float leak = (float)(rng.Gaussian() * NuisanceConfound);
                var q = new float[d];
                for (int i = 0; i < d; i++) q[i] = total[i] * (SharedNuisanceWeight * nuisancePool[j][i] + own[i] + leak * (u[i] + w[i]));
                m._nuisanceMaps[j] = q;
                m._nuisance[j] = OrnsteinUhlenbeck(ref rng, frames, NuisanceTau * frames / PaperFrames).Select(x => (float)x).ToArray();
            }
            return m;
        }

        /// <summary>Features of frame t; thread-safe (the noise generator is addressed by (seed, culture, child, t)).</summary>
        public void Frame(long seed, int t, Span<float> x)
        {
            var noise = SplitMix64.For(seed, 4, _culture * 1_000_003L + _child, t);
            noise.FillApproxGaussian(x, NoiseSd);
            TensorPrimitives.Add(x, _offset, x);
            TensorPrimitives.MultiplyAdd(_engagementMap, _engagement[t], x, x);
            TensorPrimitives.MultiplyAdd(_quadraticMap, _quadratic[t], x, x);
            for (int j = 0; j < NuisanceFactors; j++)
                TensorPrimitives.MultiplyAdd(_nuisanceMaps[j], _nuisance[j][t], x, x);
        }

        private static double[] OrnsteinUhlenbeck(ref SplitMix64 rng, int n, double tau)
        {
            double rho = Math.Exp(-1.0 / tau), innovation = Math.Sqrt(1 - rho * rho);
            var z = new double[n];
            double x = rng.Gaussian();
            for (int t = 0; t < n; t++)
            {
                z[t] = x;
                x = rho * x + innovation * rng.Gaussian();
            }
            return z;
        }
    }
}
