using System.Globalization;
using CultureNet.Benchmarking;

namespace CultureNet.Benchmarks;

/// <summary>
/// `-- --medians FILE`: the median of every whitespace-separated numeric column of FILE, one line, in column order.
/// The shell benchmark scripts collect one line per alternating pair and let this compute the medians, so there is one
/// median (<see cref="Statistics.Median"/>) for every benchmark.
/// </summary>
public static class ColumnMedians
{
    public static void Run(string path)
    {
        var rows = File.ReadLines(path).Where(l => l.Trim().Length > 0)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        if (rows.Length == 0) throw new InvalidDataException($"{path}: no rows");
        int columns = rows[0].Length;
        if (rows.Any(r => r.Length != columns)) throw new InvalidDataException($"{path}: rows differ in their number of columns");
        Console.WriteLine(string.Join(' ', Enumerable.Range(0, columns)
            .Select(c => Statistics.Median(rows.Select(r => r[c])).ToString("G6", CultureInfo.InvariantCulture))));
    }
}
