using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Reliability;

/// <summary>Inputs for the fault tests (written to an ordinary folder) and the assertions they share.</summary>
internal static class FaultFixtures
{
    /// <summary>Exit code 1 and exactly one line on stderr, "error: …", with no stack trace anywhere.</summary>
    public static string AssertOneCleanError(CliProcess.Result r, string command)
    {
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("warning:") && !l.StartsWith("note:") && !l.StartsWith("backbone:") && !l.StartsWith("input ")
                        && !l.StartsWith("preprocessing:") && !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+/\d+ images, ")).ToArray();
        Assert.True(r.ExitCode == 1, $"{command}: exit code {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.DoesNotContain("Unhandled exception", r.Stdout + r.Stderr);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: "), $"{command}: expected one error line, got:\n{r.Stderr}");
        return lines[0];
    }

    /// <summary>No temporary file of an atomic write (".NAME.PID.GUID.tmp") under <paramref name="dir"/>.</summary>
    public static void AssertNoTemporaries(string dir, string command)
    {
        var temps = Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).EndsWith(".tmp")).ToArray()
            : [];
        Assert.True(temps.Length == 0, $"{command}: temporary files left: {string.Join(", ", temps)}");
    }

    public static (string X, string Y) TrainingArrays(TempDir dir, int rows, int dim)
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, rows * dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, rows).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        string xp = dir.File($"x{rows}x{dim}.npy"), yp = dir.File($"y{rows}.npy");
        Engine.Nn.NpyMatrix.Save(xp, x, rows, dim);
        Engine.Nn.NpyMatrix.Save(yp, y, rows, 1);
        return (xp, yp);
    }

    public static (string Features, string Meta) ImportInputs(TempDir dir, int rowsPerChild, int dim)
    {
        var (x, _) = TrainingArrays(dir, 4 * rowsPerChild, dim);
        string meta = dir.File("meta.csv");
        using (var w = new StreamWriter(meta))
        {
            w.WriteLine("culture,child,frame,label");
            for (int i = 0; i < 4 * rowsPerChild; i++) w.WriteLine($"{i / (2 * rowsPerChild)},{i / rowsPerChild},{i % rowsPerChild},0.25");
        }
        return (x, meta);
    }

    public static string SmallStore(TempDir dir)
    {
        string store = dir.File("store");
        SyntheticCohort.Generate(store, new SyntheticCohortOptions { ChildrenPerCulture = 3, FramesPerChild = 60, Dim = 8, Seed = 5 });
        return store;
    }

    /// <summary>A manifest of <paramref name="count"/> small JPEG faces made by PIL.</summary>
    public static string Faces(TempDir dir, int count)
    {
        string folder = dir.File("faces");
        Directory.CreateDirectory(folder);
        Python.Run("-c", $$"""
import numpy as np
from PIL import Image
rng = np.random.default_rng(3)
with open('{{folder}}/m.csv', 'w') as m:
    m.write('path,culture,child,frame,label\n')
    for i in range({{count}}):
        Image.fromarray(rng.integers(0, 255, (240, 240, 3), dtype=np.uint8)).save(f'{{folder}}/f{i}.jpg', quality=85)
        m.write(f'f{i}.jpg,{i % 2},{i % 3},{i},0.1\n')
""");
        return Path.Combine(folder, "m.csv");
    }
}
