namespace CultureNet.Engine.Cohort;

/// <summary>
/// How a culture code is written: "C0" in reports, keys, file names and figures (<see cref="Code"/>), "C0 (Japan)" where a
/// person reads about a store (<see cref="WithCountry"/>).
/// </summary>
public static class CultureLabels
{
    public static string Code(int culture) => $"C{culture}";

    public static string WithCountry(int culture) => culture switch
    {
        CultureCodes.Japan => "C0 (Japan)",
        CultureCodes.Serbia => "C1 (Serbia)",
        _ => $"{Code(culture)} (unknown)",
    };
}
