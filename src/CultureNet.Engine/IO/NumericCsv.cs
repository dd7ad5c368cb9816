using CultureNet.Engine.IO;
using System.Globalization;

namespace CultureNet.Engine.IO;

/// <summary>
/// A minimal reader for numeric CSV with a header row (comma-separated, no quoting: every cell is a number).
/// No CSV library is available offline to this project, and numeric cells need nothing a library adds.
/// </summary>
internal sealed class NumericCsv : IDisposable
{
    private readonly StreamReader _reader;
    public string Source { get; }
    public string[] Columns { get; }
    /// <summary>1-based line number of the last row read (the header is line 1).</summary>
    public long Line { get; private set; } = 1;

    public NumericCsv(string path)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        Source = path;
        _reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 20);
        var header = _reader.ReadLine() ?? throw new CultureNetException($"{path}: empty file; expected a header row");
        Columns = header.Split(',').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToArray();
        CsvHeader.EnsureUniqueColumns(Columns, path, 1);
    }

    public int IndexOf(string column)
    {
        int i = Array.IndexOf(Columns, column);
        if (i < 0) throw new CultureNetException($"{Source}: no '{column}' column in the header ({string.Join(",", Columns)})");
        return i;
    }

    /// <summary>Reads the next data row into <paramref name="values"/> (length = column count); false at the end.</summary>
    public bool ReadRow(Span<double> values)
    {
        string? line;
        do
        {
            line = _reader.ReadLine();
            if (line == null) return false;
            Line++;
        } while (line.Length == 0);
        var span = line.AsSpan();
        int col = 0;
        foreach (var range in span.Split(','))
        {
            if (col >= values.Length)
                throw new CultureNetException($"{Source} line {Line}: more than the {values.Length} columns of the header");
            var cell = span[range].Trim();
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[col]))
                throw new CultureNetException($"{Source} line {Line}, column '{Columns[col]}': '{cell}' is not a number");
            col++;
        }
        if (col != values.Length)
            throw new CultureNetException($"{Source} line {Line}: {col} columns, the header has {values.Length}");
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
