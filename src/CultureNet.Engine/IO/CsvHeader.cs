namespace CultureNet.Engine.IO;

/// <summary>Checks on the header row of the CSV files the tool reads (manifests, labels, metadata, feature CSVs).</summary>
public static class CsvHeader
{
    /// <summary>Refuses a header that names a column twice (ignoring case): which of the two would be meant is a guess.</summary>
    public static void EnsureUniqueColumns(IReadOnlyList<string> columns, string path, int line)
    {
        var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length == 0) continue;
            if (!first.TryAdd(columns[i], i))
                throw new CultureNetException(
                    $"{path} line {line}: column '{columns[i]}' appears twice in the header (columns {first[columns[i]] + 1} and {i + 1}); each column must be named once");
        }
    }
}
