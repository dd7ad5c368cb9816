namespace CultureNet.Engine.Cohort;

/// <summary>
/// The culture codes of the study: 0 = Japan (C0), 1 = Serbia (C1), as in the reference code's first column.
/// Anything else in an input file is an error rather than a silently new culture.
/// </summary>
public static class CultureCodes
{
    public const byte Japan = 0;
    public const byte Serbia = 1;
    public const int Count = 2;

    public static bool IsKnown(int code) => code is >= 0 and < Count;

    /// <summary>Child ids of the reference data, in the reference's order.</summary>
    public static IReadOnlyList<int> ReferenceChildIds(int culture) => culture switch
    {
        Japan => [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17],
        Serbia => [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 17, 18, 20],
        _ => throw new CultureNetException($"unknown culture code {culture}; expected 0 (Japan) or 1 (Serbia)"),
    };
}
