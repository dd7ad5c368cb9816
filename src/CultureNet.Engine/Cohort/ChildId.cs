namespace CultureNet.Engine.Cohort;

/// <summary>A child of the cohort: its culture code (0 = C0, 1 = C1, ...) and its child id within that culture.</summary>
public readonly record struct ChildId(byte Culture, int Child) : IComparable<ChildId>
{
    /// <summary>"C0" for culture 0 (<see cref="CultureLabels.Code"/>).</summary>
    public string CultureName => CultureLabels.Code(Culture);

    public int CompareTo(ChildId other) =>
        Culture != other.Culture ? Culture.CompareTo(other.Culture) : Child.CompareTo(other.Child);

    /// <summary>"C0/7": the form used in messages and reports.</summary>
    public override string ToString() => $"{CultureName}/{Child}";

    /// <summary>"C0-7": the form used inside fit keys and file names.</summary>
    public string Token => $"{CultureName}-{Child}";
}
