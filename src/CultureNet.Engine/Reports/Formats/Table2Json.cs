using CultureNet.Engine.Cohort;
using System.Text;
using System.Text.Json;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>table2.json: the context (source, runs, split, seed, synthetic flag), units, and one object per (setting, culture).</summary>
public static class Table2Json
{
    public static string Render(Table2 table)
    {
        var ctx = table.Context;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("table", "II");
            w.WriteBoolean("synthetic", ctx.Synthetic);
            if (ctx.Synthetic) w.WriteString("note", Table2.SyntheticNote);
            w.WriteString("source", ctx.Source);
            w.WriteNumber("runs", ctx.Runs);
            w.WriteString("split", ctx.Split.ToString().ToLowerInvariant());
            w.WriteNumber("seed", ctx.Seed);
            // Named only when it is not the default float32 on onednn (the default keeps the file's earlier bytes).
            if (ctx.Engine is { } engine) w.WriteString("engine", engine);
            w.WriteString("aggregation", "per child: mean over runs; per culture: mean and population SD over children");
            w.WriteStartObject("units");
            w.WriteString("icc", "%");
            w.WriteString("ccc", "%");
            w.WriteString("pc", "%");
            w.WriteString("mae", "label units");
            w.WriteEndObject();
            w.WriteStartArray("rows");
            foreach (var setting in table.Settings)
                foreach (byte c in table.Cultures)
                {
                    if (table.Find(setting, c) is not { } e) continue;
                    w.WriteStartObject();
                    w.WriteString("setting", e.Setting.ToString());
                    w.WriteString("culture", CultureLabels.Code(c));
                    w.WriteNumber("children", e.Children);
                    Write(w, "icc", e.Icc);
                    Write(w, "ccc", e.Ccc);
                    Write(w, "pc", e.Pc);
                    Write(w, "mae", e.Mae);
                    w.WriteEndObject();
                }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter w, string name, MeanSd? value)
    {
        if (value is not { } v || !double.IsFinite(v.Mean) || !double.IsFinite(v.Sd))
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteNumber("mean", v.Mean);
        w.WriteNumber("sd", v.Sd);
        w.WriteEndObject();
    }
}
