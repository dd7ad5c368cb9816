namespace CultureNet.Fuzz;

/// <summary>
/// A small deterministic mutator for the CI replay (AFL++ does the coverage-guided work in campaigns): bit flips,
/// interesting bytes and integers (0, −1, 2³¹, huge lengths — the values that break size fields), inserted, deleted and
/// duplicated ranges, truncation, and splices of two seeds. Same seed, same mutants.
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random _rng = new(seed);
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0A, (byte)'{', (byte)',', (byte)'(', 0xD8, 0xD9, 0xDA];
    private static readonly long[] InterestingInts = [0, 1, -1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, int.MaxValue, uint.MaxValue, 1L << 31, 1L << 32, long.MaxValue, 4_000_000_000L];

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> others)
    {
        var data = new List<byte>(input);
        int steps = 1 + _rng.Next(4);
        for (int s = 0; s < steps; s++)
        {
            if (data.Count == 0) { data.Add(InterestingBytes[_rng.Next(InterestingBytes.Length)]); continue; }
            int at = _rng.Next(data.Count);
            switch (_rng.Next(9))
            {
                case 0: data[at] ^= (byte)(1 << _rng.Next(8)); break;
                case 1: data[at] = InterestingBytes[_rng.Next(InterestingBytes.Length)]; break;
                case 2: data[at] = (byte)_rng.Next(256); break;
                case 3:
                {
                    long v = InterestingInts[_rng.Next(InterestingInts.Length)];
                    int width = _rng.Next(2) == 0 ? 4 : 8;
                    for (int i = 0; i < width && at + i < data.Count; i++) data[at + i] = (byte)(v >> (8 * i));
                    break;
                }
                case 4: data.InsertRange(at, Enumerable.Range(0, 1 + _rng.Next(16)).Select(_ => (byte)_rng.Next(256))); break;
                case 5: data.RemoveRange(at, Math.Min(data.Count - at, 1 + _rng.Next(32))); break;
                case 6:
                {
                    int len = Math.Min(data.Count - at, 1 + _rng.Next(64));
                    data.InsertRange(_rng.Next(data.Count), data.GetRange(at, len));
                    break;
                }
                case 7: data.RemoveRange(at, data.Count - at); break;
                default:
                {
                    var other = others[_rng.Next(others.Count)];
                    if (other.Length == 0) break;
                    int from = _rng.Next(other.Length);
                    int len = Math.Min(other.Length - from, 1 + _rng.Next(256));
                    for (int i = 0; i < len; i++)
                    {
                        if (at + i < data.Count) data[at + i] = other[from + i];
                        else data.Add(other[from + i]);
                    }
                    break;
                }
            }
        }
        return data.ToArray();
    }
}
