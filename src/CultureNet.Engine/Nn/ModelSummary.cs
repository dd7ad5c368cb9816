using System.Globalization;
using System.Text;

namespace CultureNet.Engine.Nn;

/// <summary>
/// Keras 2.2's <c>model.summary()</c> table for a chain of layers: a rule, the header, a double rule, one row per layer
/// (an InputLayer first for a functional model), rules between them, then the parameter counts. Columns end at
/// <c>int(lineLength × position)</c> (defaults 65 and .45, .85, 1); a field longer than its column is cut, and each
/// field after the first starts one character early over the previous column's last character, as Keras' print_row
/// does, so a port's summary matches its reference's character for character.
/// </summary>
internal static class ModelSummary
{
    internal readonly record struct Row(string Name, string Type, int Width, long Parameters);

    private static readonly double[] DefaultPositions = [.45, .85, 1.0];

    /// <summary>The summary's lines. <paramref name="trainable"/> and <paramref name="nonTrainable"/> are counted as
    /// the caller's Keras counts them (see <see cref="Sequential.Summary"/>).</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<Row> rows, long trainable, long nonTrainable,
        int? lineLength, IReadOnlyList<double>? positions)
    {
        int length = lineLength ?? 65;
        if (length <= 0) throw new CultureNetException($"summary: lineLength must be positive, got {length}");
        var relative = positions ?? DefaultPositions;
        if (relative.Count != 3)
            throw new CultureNetException($"summary: positions has {relative.Count} entries (expected 3: where 'Layer (type)', 'Output Shape' and 'Param #' end)");
        int[] ends = relative[^1] <= 1 ? relative.Select(p => (int)(length * p)).ToArray() : relative.Select(p => (int)p).ToArray();
        for (int i = 0; i < ends.Length; i++)
            if (ends[i] <= 0 || (i > 0 && ends[i] <= ends[i - 1]))
                throw new CultureNetException($"summary: positions give column ends {string.Join(", ", ends)} (expected increasing and positive)");

        yield return new string('_', length);
        yield return Format(["Layer (type)", "Output Shape", "Param #"], ends);
        yield return new string('=', length);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            yield return Format([$"{row.Name} ({row.Type})", $"(None, {row.Width})", row.Parameters.ToString(CultureInfo.InvariantCulture)], ends);
            yield return new string(i == rows.Count - 1 ? '=' : '_', length);
        }
        yield return $"Total params: {Grouped(trainable + nonTrainable)}";
        yield return $"Trainable params: {Grouped(trainable)}";
        yield return $"Non-trainable params: {Grouped(nonTrainable)}";
        yield return new string('_', length);
    }

    private static string Format(string[] fields, int[] ends)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) line[^1] = ' ';
            line.Append(fields[i]);
            if (line.Length > ends[i]) line.Length = ends[i];
            line.Append(' ', ends[i] - line.Length);
        }
        return line.ToString();
    }

    private static string Grouped(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);
}
