namespace CultureNet.Engine.Protocol;

/// <summary>What to run: settings (and Fig. 3 analyses), number of runs, split mode and base seed.</summary>
public sealed record ProtocolOptions
{
    public IReadOnlyList<ProtocolSetting> Settings { get; init; } = ProtocolSetting.TableOne;
    public int Runs { get; init; } = 10;
    public SplitMode Split { get; init; } = SplitMode.Contiguous;
    public long Seed { get; init; } = 42;
}
