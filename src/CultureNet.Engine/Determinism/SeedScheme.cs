using System.Text;

namespace CultureNet.Engine.Determinism;

/// <summary>
/// How every random choice of the protocol gets its seed: from the protocol's base seed and a name that says what the
/// randomness is for (a fit key such as "run03_M1_C0-7", or "split/run03/C0-7"). The derivation (FNV-1a over the UTF-8
/// name, mixed with the base seed by SplitMix64's finaliser) is fixed and platform independent, so a run is
/// reproducible from (seed, arguments) alone and each fit's seed does not depend on which other fits are planned.
/// </summary>
public static class SeedScheme
{
    public static ulong Derive64(long baseSeed, string purpose)
    {
        return Mix(Mix((ulong)baseSeed) ^ Fnv1a64.Of(Encoding.UTF8.GetBytes(purpose)));
    }

    /// <summary>A non-negative 31-bit seed, for APIs that take an int.</summary>
    public static int Derive(long baseSeed, string purpose) => (int)(Derive64(baseSeed, purpose) >> 33);

    /// <summary>SplitMix64's step as a bijective 64-bit mix: the first output of the generator seeded with z.</summary>
    public static ulong Mix(ulong z) => new SplitMix64(z).Next();
}
