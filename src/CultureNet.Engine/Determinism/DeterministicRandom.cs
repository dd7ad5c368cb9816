
namespace CultureNet.Engine.Determinism;

/// <summary>
/// Unbiased bounded integers and shuffles over the project's fixed-stream <see cref="SplitMix64"/> generator, for the
/// protocol's bookkeeping (random splits, child subsets): unlike System.Random the sequence is part of this code, so
/// splits stay identical across .NET versions.
/// </summary>
public sealed class DeterministicRandom(ulong seed)
{
    private SplitMix64 _generator = new(seed);

    public ulong NextUInt64() => _generator.Next();

    /// <summary>Uniform integer in [0, bound), without modulo bias.</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound));
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % (ulong)bound);
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
