using System.Globalization;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// Numbers as Python and numpy print them, for files that must match the released code's byte for byte:
/// <c>repr(float)</c> (and <c>str</c> of a numpy float64), <c>str</c> of a numpy float32 (numpy ≥ 1.14: the shortest
/// float32 digits) and <c>'%.18e' %</c> (np.savetxt's default).
/// </summary>
public static class PythonNumbers
{
    /// <summary><c>repr(v)</c>: shortest round-trip digits; positional when 1e-4 ≤ |v| &lt; 1e16, else <c>1.5e-05</c>.</summary>
    public static string Repr(double value) =>
        NonFinite(value) ?? Shortest(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary><c>str(np.float32(v))</c>: the shortest digits that round-trip as float32, positional when the value (not
    /// its digits: 1e-4f is just below 1e-4) is 0 or 1e-4 ≤ |v| &lt; 1e16, as numpy's scalar str decides.</summary>
    public static string Float32(float value)
    {
        double magnitude = Math.Abs((double)value);
        return NonFinite(value) ?? Shortest(value.ToString("R", CultureInfo.InvariantCulture),
            positional: magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16));
    }

    /// <summary><c>'%.18e' % v</c>: <c>4.127000000000000000e-01</c>, <c>nan</c>, <c>inf</c>.</summary>
    public static string Scientific18(double value)
    {
        if (NonFinite(value) is { } text) return text;
        string s = value.ToString("E18", CultureInfo.InvariantCulture);   // 4.127000000000000000E-001
        int e = s.IndexOf('E');
        int exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return s[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string? NonFinite(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : null;

    /// <summary>Python's layout of .NET's shortest round-trip text ("1E-05", "123.5", "-0", "1.5E+16").</summary>
    /// <param name="positional">Whether to write the digits positionally; by default Python's repr rule on the decimal
    /// exponent of the digits.</param>
    private static string Shortest(string roundTrip, bool? positional = null)
    {
        bool negative = roundTrip.StartsWith('-');
        string s = negative ? roundTrip[1..] : roundTrip;
        int exponent = 0;
        int e = s.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        int dot = s.IndexOf('.');
        string digits = dot < 0 ? s : s[..dot] + s[(dot + 1)..];
        // value = 0.digits × 10^point
        int point = (dot < 0 ? s.Length : dot) + exponent;
        int leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leading;
        string sign = negative ? "-" : "";
        if (digits.Length == 0) return sign + "0.0";
        if (positional ?? (point > -4 && point <= 16))
        {
            if (point <= 0) return sign + "0." + new string('0', -point) + digits;
            if (point >= digits.Length) return sign + digits + new string('0', point - digits.Length) + ".0";
            return sign + digits[..point] + "." + digits[point..];
        }
        int x = point - 1;
        string mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (x < 0 ? "-" : "+") + Math.Abs(x).ToString("00", CultureInfo.InvariantCulture);
    }
}
