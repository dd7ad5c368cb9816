using CultureNet.Engine.Determinism;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.IO;
using System.Text.Json;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// protocol.json in a results folder: the arguments the folder was started with. A restart must use the same ones
/// (the store is identified by its metadata digest, not by its path), or it is refused with the difference named.
/// </summary>
/// <remarks>A manifest written before <c>--conventions</c> existed has none and reads as <c>paper</c>, the conventions it
/// was run with; one written before <c>--precision</c> existed reads as <c>float32</c>, and one without a backend (written
/// before <c>--backend</c> existed, or by a caller that did not resolve it) is not checked for one.</remarks>
public sealed record ProtocolManifest(string Store, ulong CohortDigest, string Settings, int Runs, string Split, long Seed, bool Synthetic,
    string Conventions = "paper", string Precision = Policy.Float32, string? Backend = null)
{
    public const string FileName = "protocol.json";

    public static ProtocolManifest For(ProtocolPlan plan, string store, bool synthetic) => new(
        store, DigestOf(plan.Cohort), string.Join(",", plan.Options.Settings.Select(s => s.Name)), plan.Options.Runs,
        plan.Options.Split.ToString().ToLowerInvariant(), plan.Options.Seed, synthetic,
        plan.Options.Conventions.ToString().ToLowerInvariant(), plan.Options.Training.EffectivePolicy.Name, plan.Options.Training.Backend);

    /// <summary>Creates protocol.json race-free, or checks that an existing one matches; throws naming the first difference.</summary>
    public void EnsureMatches(string folder)
    {
        string path = Path.Combine(folder, FileName);
        // Of several processes starting on a new folder at once exactly one creates it; the others check against it.
        if (ExclusiveFile.TryCreate(path, System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Options) + "\n"))) return;
        ProtocolManifest? existing;
        try { existing = JsonSerializer.Deserialize<ProtocolManifest>(File.ReadAllText(path), Options); }
        catch (JsonException e) { throw new CultureNetException($"{path}: not a protocol manifest ({e.Message}); choose a new --out folder"); }
        if (existing is null) throw new CultureNetException($"{path}: empty protocol manifest; choose a new --out folder");
        string? difference =
            existing.CohortDigest != CohortDigest ? $"a different store (was {existing.Store})" :
            existing.Settings != Settings ? $"settings {existing.Settings} (now {Settings})" :
            existing.Runs != Runs ? $"--runs {existing.Runs} (now {Runs})" :
            existing.Split != Split ? $"--split {existing.Split} (now {Split})" :
            existing.Seed != Seed ? $"--seed {existing.Seed} (now {Seed})" :
            (existing.Conventions ?? "paper") != Conventions ? $"--conventions {existing.Conventions ?? "paper"} (now {Conventions})" :
            (existing.Precision ?? Policy.Float32) != Precision ? $"--precision {existing.Precision ?? Policy.Float32} (now {Precision})" :
            existing.Backend is not null && Backend is not null && existing.Backend != Backend ? $"--backend {existing.Backend} (now {Backend})" : null;
        if (difference is not null)
            throw new CultureNetException(
                $"{path}: this results folder was started with {difference}; resume with the same arguments or choose a new --out folder");
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>FNV-1a digest of the four metadata columns.</summary>
    public static ulong DigestOf(CohortMetadata cohort)
    {
        var h = new Fnv1a64();
        for (int r = 0; r < cohort.RowCount; r++)
        {
            h.Add((uint)cohort.CultureColumn[r]);
            h.Add((uint)cohort.ChildColumn[r]);
            h.Add((uint)cohort.FrameColumn[r]);
            h.Add(BitConverter.SingleToUInt32Bits(cohort.LabelColumn[r]));
        }
        return SeedScheme.Mix(h.Value);
    }
}
