using CultureNet.Engine.Determinism;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Models;
namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// A 64-bit digest of everything that determines a fit's result (key, kind, parent, seed, training/validation/test rows
/// and the labels of those rows; the backend and precision unless they are the default float32 on onednn), so a results folder produced by another store or other arguments is never mistaken
/// for this protocol's finished fits.
/// </summary>
public static class FitFingerprint
{
    public static ulong Of(FitSpec fit, CohortMetadata cohort, GenNetTrainingOptions? training = null)
    {
        var h = new Fnv1a64();
        void Add(ulong v) => h.Add(v);
        void AddRows(int[] rows)
        {
            Add((ulong)rows.Length);
            foreach (int r in rows)
            {
                Add((ulong)r);
                Add(BitConverter.SingleToUInt32Bits(cohort.Label(r)));
            }
        }
        Add(SeedScheme.Derive64(0, fit.Key));
        Add((ulong)fit.Kind);
        Add(fit.ParentKey is null ? 0 : SeedScheme.Derive64(0, fit.ParentKey));
        Add((ulong)fit.Seed);
        AddRows(fit.TrainRows);
        AddRows(fit.ValidationRows);
        foreach (var e in fit.Evaluations)
        {
            Add(SeedScheme.Derive64(0, e.Setting.Name));
            Add(e.Child.Culture);
            Add((ulong)e.Child.Child);
            AddRows(e.TestRows);
        }
        // Backend and precision change a fit's numbers too. Float32 on the default backend adds nothing, so results
        // trained before the choice existed keep their fingerprints (and their files their bytes).
        if (training is not null && !training.IsDefaultEngine)
        {
            Add(SeedScheme.Derive64(0, training.Backend ?? "default"));
            Add(SeedScheme.Derive64(0, training.EffectivePolicy.Name));
        }
        return SeedScheme.Mix(h.Value);
    }
}
