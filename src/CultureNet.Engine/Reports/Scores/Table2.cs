using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>Where a Table II came from; printed with it. <paramref name="Engine"/>: the backend and precision, e.g.
/// "onednn, mixed_bfloat16", when they are not the default float32 on onednn (null: the default, which the files do
/// not name, so they keep the bytes they had before the choice existed).</summary>
public sealed record Table2Context(string Source, int Runs, SplitMode Split, long Seed, bool Synthetic,
    ProtocolConventions Conventions = ProtocolConventions.Paper, string? Engine = null);

/// <summary>The paper's Table II: rows M1–M7, ME (those that were run), per culture ICC, CCC, PC [%] and MAE.</summary>
public sealed record Table2(IReadOnlyList<byte> Cultures, IReadOnlyList<Setting> Settings, IReadOnlyList<Table2Entry> Entries, Table2Context Context)
{
    public const string SyntheticNote =
        "SYNTHETIC cohort: these numbers come from the engine's generated test bed, not from the study's data; they are not evidence for or against the paper's claims.";

    public Table2Entry? Find(Setting setting, byte culture) =>
        Entries.FirstOrDefault(e => e.Setting == setting && e.Culture == culture);
}
