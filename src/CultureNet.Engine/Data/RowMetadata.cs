using CultureNet.Engine.Nn;
using CultureNet.Engine.Cohort;
using System.Globalization;

namespace CultureNet.Engine.Data;

/// <summary>Checks one row's identifying columns as read from an input file, with the file and row in every message.</summary>
internal static class RowMetadata
{
    public static byte Culture(double value, string source, long row)
    {
        if (value != Math.Floor(value) || !CultureCodes.IsKnown((int)Math.Clamp(value, -1, 256)))
            throw new CultureNetException($"{source} row {row}: unknown culture code {value.ToString(CultureInfo.InvariantCulture)}; expected 0 (Japan) or 1 (Serbia)");
        return (byte)value;
    }

    public static int NonNegativeInt(double value, string column, string source, long row)
    {
        if (!(value >= 0 && value <= int.MaxValue) || value != Math.Floor(value))
            throw new CultureNetException($"{source} row {row}: {column} {value.ToString(CultureInfo.InvariantCulture)} is not a whole number in 0 … {int.MaxValue}");
        return (int)value;
    }

    public static float Label(double value, string source, long row)
    {
        if (!(value >= -1 && value <= 1))
            throw new CultureNetException($"{source} row {row}: label {value.ToString(CultureInfo.InvariantCulture)} is outside [-1, 1]");
        return (float)value;
    }

    public static void Features(ReadOnlySpan<float> features, string source, long row)
    {
        int bad = FiniteCheck.IndexOfNonFinite(features);
        if (bad >= 0)
            throw new CultureNetException($"{source} row {row}: feature {bad} is {features[bad].ToString(CultureInfo.InvariantCulture)}; features must be finite (no NaN/Inf)");
    }
}
