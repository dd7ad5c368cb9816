using System.Security.Cryptography;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// <c>--conventions paper</c> is the protocol as it was before the choice existed: on a small cohort (with the Fig. 3
/// analyses) every report, fit result and model file hashes to what the code before <c>--conventions</c> wrote (pinned in
/// paper-conventions-baseline.sha256 next to this file, computed with the merge base 5b71d77 and this same test body, where it matched; re-pinned once when the oneDNN backend
/// became the default and Adadelta's update changed to sqrt((Edx+eps)/(Eg+eps)), which change float32 results by design). The
/// store's path, which Table II prints, is replaced by STORE before hashing, and a model's .npz is hashed by its entries
/// (the zip records write times).
/// </summary>
public sealed class PaperConventionsRegressionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string Pinned = File.ReadAllText(
        Path.Combine(Python.RepoRoot, "tests", "CultureNet.Engine.Tests", "Protocol", "paper-conventions-baseline.sha256"));

    [Fact]
    [Trait("Category", "Slow")]
    public void Paper_conventions_write_the_reports_of_the_code_before_conventions()
    {
        string store = ReleasedConventionsTests.Store(_dir.File("store"));
        string results = _dir.File("results");
        ProtocolSession.Run(store, results, new ProtocolOptions { Runs = 1, Seed = 3, Conventions = ProtocolConventions.Paper });
        string full = Path.GetFullPath(store);
        var files = new[] { "table2.md", "table2.csv", "table2.json", "stats.csv", "per_child.csv", "predictions.csv", "fits.csv" }
            .Concat(Directory.GetFiles(Path.Combine(results, "fits"), "*.fit", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(results, f)))
            .Concat(Directory.GetFiles(Path.Combine(results, "models")).Select(f => Path.GetRelativePath(results, f)))
            .Order(StringComparer.Ordinal);
        var lines = files.Select(f =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(results, f));
            // An .npz is a zip whose entries carry the time they were written: hash the entries' names and contents.
            if (f.EndsWith(".npz", StringComparison.Ordinal)) bytes = NpzContent(bytes);
            if (f.StartsWith("table2", StringComparison.Ordinal))
                bytes = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes).Replace(full, "STORE"));
            return $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {f}";
        });
        var actual = string.Join("\n", lines);
        if (actual != Pinned.Trim()) File.WriteAllText(Path.Combine(Path.GetTempPath(), "paper-conventions-actual.sha256"), actual + "\n");
        Assert.Equal(Pinned.Trim(), actual);
    }

    private static byte[] NpzContent(byte[] npz)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(npz));
        using var content = new MemoryStream();
        foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            content.Write(System.Text.Encoding.UTF8.GetBytes(entry.FullName + "\n"));
            using var data = entry.Open();
            data.CopyTo(content);
        }
        return content.ToArray();
    }
}
