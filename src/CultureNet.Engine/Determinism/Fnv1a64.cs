namespace CultureNet.Engine.Determinism;

/// <summary>FNV-1a, 64-bit: the protocol's digest for seeds, fit fingerprints, cohort digests and result-file checksums.</summary>
internal struct Fnv1a64()
{
    private ulong _hash = 14695981039346656037UL;

    public readonly ulong Value => _hash;

    public void Add(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            _hash ^= b;
            _hash *= 1099511628211UL;
        }
    }

    /// <summary>Adds the 4 bytes of <paramref name="value"/>, little-endian.</summary>
    public void Add(uint value)
    {
        for (int i = 0; i < 4; i++)
        {
            _hash ^= (value >> (8 * i)) & 0xFF;
            _hash *= 1099511628211UL;
        }
    }

    /// <summary>Adds the 8 bytes of <paramref name="value"/>, little-endian.</summary>
    public void Add(ulong value)
    {
        Add((uint)value);
        Add((uint)(value >> 32));
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var h = new Fnv1a64();
        h.Add(bytes);
        return h.Value;
    }
}
