using CultureNet.Engine.Models;

namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// What to run: settings (and Fig. 3 analyses), number of runs, split mode, base seed, and the fit settings every
/// network of the protocol is trained with.
/// </summary>
public sealed record ProtocolOptions
{
    public IReadOnlyList<SettingVariant> Settings { get; init; } = SettingVariant.TableOne;
    public int Runs { get; init; } = 10;
    public SplitMode Split { get; init; } = SplitMode.Contiguous;
    public long Seed { get; init; } = 42;

    /// <summary>The released code's or the paper's conventions where they differ (docs/protocol.md).</summary>
    public ProtocolConventions Conventions { get; init; } = ProtocolConventions.Paper;

    /// <summary>Also run the Fig. 3 analyses of the requested settings that have one (M1, M6).</summary>
    public bool Fig3Analyses { get; init; } = true;

    public GenNetTrainingOptions Training { get; init; } = new();
}
