using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>A paired comparison of two settings over the same children: <see cref="Setting"/> minus <see cref="Versus"/>.</summary>
public readonly record struct SettingComparison(Setting Setting, Setting Versus)
{
    /// <summary>
    /// The comparisons tested in every culture, each one step of the paper's argument: M7 − M4 (personalising
    /// CultureNet with the target's own data), M5 − M1 (subject-dependent vs independent GenNet within the culture),
    /// M7 − M6 (CultureNet vs a child-specific network on the same target data), M4 − M3 (tuning the mixed model's last
    /// layer to the culture), M1 − M2 (within vs cross culture). Fixed, so that the Holm family is the same whatever was
    /// run; a comparison is made only when both of its settings ran.
    /// </summary>
    public static readonly IReadOnlyList<SettingComparison> Planned =
    [
        new(Setting.M7, Setting.M4),
        new(Setting.M5, Setting.M1),
        new(Setting.M7, Setting.M6),
        new(Setting.M4, Setting.M3),
        new(Setting.M1, Setting.M2),
    ];

    /// <summary>"M7 vs M4".</summary>
    public override string ToString() => $"{Setting} vs {Versus}";
}
