using System.Globalization;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reports;

/// <summary>The released code's number formats, against Debian's Python and numpy themselves: repr of a float64, str of
/// a numpy float32, '%.18e'.</summary>
public class PythonNumbersTests
{
    private static readonly double[] Doubles =
        [0.0, -0.0, 1.0, 7.0, 199.0, 0.35f, 0.1, 1e-4, 9.999e-5, 1e-5, 1.5e-5, 123456.789, 1e15, 1e16, 1.2345678901234567e17,
         5e-324, 1.7976931348623157e308, -2.5e-7, 0.19999999999999996, double.NaN, double.PositiveInfinity, 3.0e22];

    private static readonly float[] Floats =
        [0f, -0f, 1f, 0.35f, 0.1f, 1e-4f, 9.999e-5f, 1e-5f, 1.5e-5f, 123456.79f, 1e15f, 1e16f, 3.4028235e38f, 1e-45f, -0.41273f, float.NaN];

    [Fact]
    public void Repr_float32_and_savetxt_formats_are_pythons()
    {
        // float('-0') is -0.0, float('1E-05') is 1e-05: the round-trip text of the exact value, whatever its layout.
        string D(double v) => $"float('{v.ToString("R", CultureInfo.InvariantCulture)}')".Replace("'∞'", "'inf'");
        string F(float v) => D(v);
        string code = "import numpy as np\n" +
            $"for v in [{string.Join(", ", Doubles.Select(D))}]: print(repr(float(v)) + ' ' + ('%.18e' % v))\n" +
            $"for v in [{string.Join(", ", Floats.Select(F))}]: print(str(np.float32(v)))\n";
        var expected = Python.Run("-c", code).TrimEnd('\n').Split('\n');
        var actual = Doubles.Select(v => PythonNumbers.Repr(v) + " " + PythonNumbers.Scientific18(v))
            .Concat(Floats.Select(PythonNumbers.Float32)).ToArray();
        Assert.Equal(expected, actual);
    }
}
