using System.Diagnostics;
using System.Text.Json;

namespace CultureNet.Engine.Tests.Metrics;

/// <summary>
/// Independent float64 reference values from Debian's /usr/bin/python3 (numpy + scipy): scipy.stats.pearsonr,
/// Lin's CCC in numpy, and ICC(3,1) written from its two-way ANOVA table. Test-time only.
/// </summary>
public static class PythonOracle
{
    public const string Interpreter = "/usr/bin/python3";

    private const string Script = """
import json, sys, warnings
import numpy as np
from scipy.stats import pearsonr
warnings.simplefilter("ignore")

def icc31(y, p):
    Y = np.column_stack([y, p])          # n targets x k raters
    n, k = Y.shape
    grand = Y.mean()
    sst = ((Y - grand) ** 2).sum()
    ssr = k * ((Y.mean(axis=1) - grand) ** 2).sum()
    ssc = n * ((Y.mean(axis=0) - grand) ** 2).sum()
    sse = sst - ssr - ssc
    msr = ssr / (n - 1)
    mse = sse / ((n - 1) * (k - 1))
    return (msr - mse) / (msr + (k - 1) * mse)

def ccc(y, p):
    return 2 * np.mean((y - y.mean()) * (p - p.mean())) / (y.var() + p.var() + (y.mean() - p.mean()) ** 2)

def num(v):
    v = float(v)
    return v if np.isfinite(v) else None

out = []
for case in json.load(sys.stdin):
    y = np.array(case["labels"], dtype=np.float64)
    p = np.array(case["predictions"], dtype=np.float64)
    with np.errstate(all="ignore"):
        out.append({"icc": num(icc31(y, p)), "ccc": num(ccc(y, p)),
                    "pc": num(pearsonr(y, p)[0]), "mae": num(np.mean(np.abs(y - p)))})
json.dump(out, sys.stdout)
""";

    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Null when the oracle can run; otherwise why not.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    private static string? Probe()
    {
        if (!File.Exists(Interpreter)) return $"{Interpreter} not found (install python3-scipy to run the metric oracle tests)";
        try
        {
            var (code, _, err) = RunPython("import numpy, scipy.stats", "");
            return code == 0 ? null : $"{Interpreter} lacks numpy/scipy (apt-get install python3-scipy): {err.Trim()}";
        }
        catch (Exception e)
        {
            return $"{Interpreter} could not be started: {e.Message}";
        }
    }

    public sealed record Reference(double? Icc, double? Ccc, double? Pc, double? Mae);

    public static IReadOnlyList<Reference> Evaluate(IReadOnlyList<(double[] Labels, double[] Predictions)> cases)
    {
        var input = JsonSerializer.Serialize(cases.Select(c => new { labels = c.Labels, predictions = c.Predictions }));
        var (code, stdout, stderr) = RunPython(Script, input);
        if (code != 0) throw new InvalidOperationException($"python oracle failed ({code}): {stderr}");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<List<Reference>>(stdout, options)!;
    }

    private static (int Code, string Stdout, string Stderr) RunPython(string script, string stdin)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, stdoutTask.Result, stderrTask.Result);
    }
}

/// <summary>A fact that is skipped, with the reason, when /usr/bin/python3 with numpy and scipy is not available.</summary>
public sealed class PythonOracleFactAttribute : FactAttribute
{
    public PythonOracleFactAttribute()
    {
        if (PythonOracle.WhyUnavailable is { } why) Skip = why;
    }
}
