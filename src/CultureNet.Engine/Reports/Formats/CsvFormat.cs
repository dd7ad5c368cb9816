using System.Globalization;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>Number formatting for the CSV and JSON reports: invariant culture, shortest round-trip form, NaN as empty.</summary>
internal static class CsvFormat
{
    public static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(float value) => float.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
