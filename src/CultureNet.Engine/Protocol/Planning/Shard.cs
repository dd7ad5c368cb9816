using System.Globalization;

namespace CultureNet.Engine.Protocol.Planning;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as <c>--shard I/N</c> and Slurm array indices 1…N).</summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index >= 1 && index <= count)
            return new Shard(index, count);
        throw new CultureNetException($"--shard '{text}': expected I/N with 1 <= I <= N, e.g. 2/8");
    }

    public override string ToString() => $"{Index}/{Count}";
}
