using System.Text.RegularExpressions;

namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// What one group of the protocol's fits runs: a Table I <see cref="Setting"/> (the <see cref="Base"/>), optionally varied
/// by one of the Fig. 3 analyses that change the training data. Fit keys, reports and <c>--settings</c> use its
/// <see cref="Name"/>:
/// <list type="bullet">
/// <item><c>M1</c> … <c>M7</c>, <c>ME</c>: Table I.</item>
/// <item><c>M1-c{k}</c>: M1 trained on k of the other children of the culture (drawn per run and target; Fig. 3 left, top).</item>
/// <item><c>M1-d{p}</c>: M1 trained on p% of each training child's training rows (Fig. 3 left, bottom).</item>
/// <item><c>M6-d{p}</c>: M6 trained on p% of the target child's frames, p ≤ 20 (the 5/10/15/20% analysis).</item>
/// </list>
/// </summary>
public readonly partial record struct SettingVariant(Setting Base, int? TrainingChildren = null, int? DataPercent = null)
    : IComparable<SettingVariant>
{
    public static readonly IReadOnlyList<SettingVariant> TableOne =
        Enum.GetValues<Setting>().Select(s => new SettingVariant(s)).ToArray();

    public bool IsVariant => TrainingChildren is not null || DataPercent is not null;

    public string Name => TrainingChildren is { } k ? $"{Base}-c{k}" : DataPercent is { } p ? $"{Base}-d{p}" : Base.ToString();

    public override string ToString() => Name;

    /// <summary>Table I order; within a setting the plain one first, then the children analyses, then the data analyses.</summary>
    public int CompareTo(SettingVariant other)
    {
        int c = Base.CompareTo(other.Base);
        if (c != 0) return c;
        c = Rank.CompareTo(other.Rank);
        return c != 0 ? c : (TrainingChildren ?? DataPercent ?? 0).CompareTo(other.TrainingChildren ?? other.DataPercent ?? 0);
    }

    private int Rank => TrainingChildren is not null ? 1 : DataPercent is not null ? 2 : 0;

    [GeneratedRegex(@"^(M[1-7]|ME)(?:-(c|d)([0-9]{1,3}))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private const string Expected = "expected M1, M2, M3, M4, M5, M6, M7 or ME, or a Fig. 3 analysis M1-c<children>, M1-d<percent 1-100>, M6-d<percent 1-20>";

    public static SettingVariant Parse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success) throw new CultureNetException($"unknown setting '{text.Trim()}': {Expected}");
        var setting = Enum.Parse<Setting>(m.Groups[1].Value, ignoreCase: true);
        if (!m.Groups[2].Success) return new SettingVariant(setting);
        int value = int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        bool children = m.Groups[2].Value.Equals("c", StringComparison.OrdinalIgnoreCase);
        return (setting, children) switch
        {
            (Setting.M1, true) when value >= 1 => new SettingVariant(setting, TrainingChildren: value),
            (Setting.M1, false) when value is >= 1 and <= 100 => new SettingVariant(setting, DataPercent: value),
            (Setting.M6, false) when value is >= 1 and <= 20 => new SettingVariant(setting, DataPercent: value),
            _ => throw new CultureNetException($"unknown setting '{text.Trim()}': {Expected}"),
        };
    }

    /// <summary>Parses a comma-separated list ("M1,M4,ME"); duplicates are removed, order is the canonical one.</summary>
    public static IReadOnlyList<SettingVariant> ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new CultureNetException($"no settings given: {Expected}");
        return parts.Select(Parse).Distinct().Order().ToArray();
    }

    /// <summary>The Fig. 3 analyses when every target has at least <paramref name="maxTrainingChildren"/> other children in
    /// its culture: M1 with about a quarter, half and three quarters of them, M1 with 25/50/75% of each training child's
    /// data, M6 with 5/10/15% of the target's frames. The full M1 and M6 are the last point of each curve.</summary>
    public static IReadOnlyList<SettingVariant> FigureAnalyses(int maxTrainingChildren)
    {
        var list = new List<SettingVariant>();
        foreach (int k in new[] { 1, 2, 3 }.Select(q => (maxTrainingChildren * q + 3) / 4).Where(k => k >= 1 && k < maxTrainingChildren).Distinct())
            list.Add(new SettingVariant(Setting.M1, TrainingChildren: k));
        foreach (int p in new[] { 25, 50, 75 }) list.Add(new SettingVariant(Setting.M1, DataPercent: p));
        foreach (int p in new[] { 5, 10, 15 }) list.Add(new SettingVariant(Setting.M6, DataPercent: p));
        return list;
    }
}
