namespace CultureNet.Engine.Protocol.Planning;

/// <summary>The settings of the paper's Table I (docs/protocol.md).</summary>
public enum Setting
{
    /// <summary>SI, within culture: GenNet on the other children of the target's culture.</summary>
    M1,
    /// <summary>SI, cross culture: GenNet on all children of the other culture.</summary>
    M2,
    /// <summary>SI, mixed: GenNet on all other children of both cultures.</summary>
    M3,
    /// <summary>SI, CultureNet: M3's model, last layer tuned on the target culture's other children.</summary>
    M4,
    /// <summary>SD, within culture: GenNet on p2 of every child of the culture, the target included.</summary>
    M5,
    /// <summary>SD, child-specific: GenNet on the target child's p2 only.</summary>
    M6,
    /// <summary>SD, CultureNet personalised: GenNet on p2 of all children → last layer per culture → last layer per child.</summary>
    M7,
    /// <summary>Baseline: the mean of the target child's p2 labels, as a constant prediction (MAE only).</summary>
    ME,
}

public static class SettingExtensions
{
    /// <summary>Subject-independent: no frame of the target child is used for training or validation.</summary>
    public static bool IsSubjectIndependent(this Setting s) => s is Setting.M1 or Setting.M2 or Setting.M3 or Setting.M4;

    /// <summary>Whether ICC, CCC and PC are reported (not for ME, whose constant prediction has no correlation).</summary>
    public static bool HasCorrelations(this Setting s) => s != Setting.ME;
}
