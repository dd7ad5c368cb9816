using CultureNet.Engine.Cohort;
using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// The protocol's backend and precision: the trainer builds its networks on them, protocol.json records them and
/// refuses a process with others, fit fingerprints and reports name them — except float32 on onednn, whose files keep
/// the bytes they had before the choice existed (PaperConventionsRegressionTests pins those).
/// </summary>
public sealed class EngineChoiceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly GenNetTrainingOptions Small = new() { Epochs = 2, BatchSize = 32, HiddenUnits = [8, 4] };

    private static bool HasBfloat16()
    {
        try { Sequential.ResolveBackend("onednn", Policy.MixedBfloat16); return true; }
        catch (CultureNetException) { return false; }
    }

    private FeatureStore SmallStore()
    {
        SyntheticCohort.Generate(_dir.File("store"), new SyntheticCohortOptions
            { ChildrenPerCulture = 2, FramesPerChild = 60, Dim = 12, Seed = 3 }, null, CancellationToken.None);
        return FeatureStore.Open(_dir.File("store"));
    }

    private static FitSpec Spec(string key, FitKind kind, int[] train, int[] validation, string? parent = null) =>
        new(key, 1, kind, parent, train, validation, 5, []);

    [Fact]
    public void The_trainer_builds_every_network_on_the_chosen_backend_and_policy()
    {
        using var store = SmallStore();
        var policy = HasBfloat16() ? new Policy(Policy.MixedBfloat16) : new Policy(Policy.Float32);
        string backend = policy.Name == Policy.MixedBfloat16 ? "onednn" : "openblas";
        var trainer = new GenNetTrainer(store, Small with { Backend = backend, DtypePolicy = policy });
        int[] rows = Enumerable.Range(0, 200).ToArray();
        using var full = (GenNetTrainer.GenNetModel)trainer.Train(Spec("g", FitKind.GenNet, rows[..160], rows[160..]), null, CancellationToken.None);
        Assert.Equal(backend, full.Model.Backend);
        Assert.Equal(policy, full.Model.DtypePolicy);
        using var head = (GenNetTrainer.GenNetModel)trainer.Train(Spec("h", FitKind.LastLayer, rows[..40], rows[40..60], "g"), full, CancellationToken.None);
        Assert.Equal(backend, head.Model.Backend);
        Assert.Equal(policy, head.Model.DtypePolicy);
        // A checkpoint read back (a parent for a later last-layer fit) too.
        full.Save(_dir.File("g.npz"));
        using var loaded = (GenNetTrainer.GenNetModel)trainer.Load(_dir.File("g.npz"));
        Assert.Equal(backend, loaded.Model.Backend);
        Assert.Equal(policy, loaded.Model.DtypePolicy);
    }

    [Fact]
    public void Fingerprints_change_with_backend_and_precision_but_not_for_the_default()
    {
        var cohort = CohortMetadata.FromColumns([0, 0, 1, 1], [1, 2, 3, 4], [0, 0, 0, 0], [0.1f, 0.2f, 0.3f, 0.4f], "t");
        var fit = Spec("k", FitKind.GenNet, [0, 1], [2]);
        ulong before = FitFingerprint.Of(fit, cohort);
        Assert.Equal(before, FitFingerprint.Of(fit, cohort, new GenNetTrainingOptions { Backend = "onednn", DtypePolicy = Policy.Float32 }));
        Assert.Equal(before, FitFingerprint.Of(fit, cohort, new GenNetTrainingOptions { DtypePolicy = Policy.Float32 }));
        ulong openblas = FitFingerprint.Of(fit, cohort, new GenNetTrainingOptions { Backend = "openblas", DtypePolicy = Policy.Float32 });
        ulong bf16 = FitFingerprint.Of(fit, cohort, new GenNetTrainingOptions { Backend = "onednn", DtypePolicy = Policy.MixedBfloat16 });
        Assert.NotEqual(before, openblas);
        Assert.NotEqual(before, bf16);
        Assert.NotEqual(openblas, bf16);
    }

    private static ProtocolManifest Manifest(string conventions = "paper", string precision = "float32", string? backend = "onednn") =>
        new("store", 7, "M1", 1, "contiguous", 42, true, conventions, precision, backend);

    [Theory]
    [InlineData("paper", "mixed_bfloat16", "onednn", "--precision float32 (now mixed_bfloat16)")]
    [InlineData("paper", "float32", "openblas", "--backend onednn (now openblas)")]
    [InlineData("reference", "float32", "onednn", "--conventions paper (now reference)")]
    public void A_second_process_with_other_conventions_precision_or_backend_is_refused_naming_it(
        string conventions, string precision, string backend, string named)
    {
        string folder = _dir.File("r");
        Directory.CreateDirectory(folder);
        Manifest().EnsureMatches(folder);
        Manifest().EnsureMatches(folder); // the same arguments resume
        var e = Assert.Throws<CultureNetException>(() => Manifest(conventions, precision, backend).EnsureMatches(folder));
        Assert.Contains(named, e.Message);
        Assert.Contains("protocol.json", e.Message);
        var json = File.ReadAllText(Path.Combine(folder, ProtocolManifest.FileName));
        Assert.Contains("\"precision\": \"float32\"", json);
        Assert.Contains("\"backend\": \"onednn\"", json);
    }

    [Fact]
    public void A_manifest_from_before_the_choice_reads_as_float32_and_any_backend()
    {
        string folder = _dir.File("old");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ProtocolManifest.FileName), """
            { "store": "store", "cohort_digest": 7, "settings": "M1", "runs": 1, "split": "contiguous", "seed": 42, "synthetic": true, "conventions": "paper" }
            """);
        Manifest(backend: "openblas").EnsureMatches(folder);
        var e = Assert.Throws<CultureNetException>(() => Manifest(precision: "mixed_bfloat16").EnsureMatches(folder));
        Assert.Contains("--precision float32 (now mixed_bfloat16)", e.Message);
    }

    [Fact]
    public void Reports_name_the_engine_only_when_it_is_not_float32_on_onednn()
    {
        var fits = new[] { new FitResult("run01_M1_C0-1", 1, 1, new FitSummary(3, 0.5, 0.25), []) };
        FitsCsv.Write(_dir.File("default.csv"), fits, new GenNetTrainingOptions { Backend = "onednn", DtypePolicy = Policy.Float32 });
        Assert.Equal(FitsCsv.Header, File.ReadLines(_dir.File("default.csv")).First());
        Assert.Equal("run01_M1_C0-1,1,3,0.5,0.25", File.ReadLines(_dir.File("default.csv")).Last());
        FitsCsv.Write(_dir.File("bf16.csv"), fits, new GenNetTrainingOptions { Backend = "onednn", DtypePolicy = Policy.MixedBfloat16 });
        Assert.Equal("key,run,epochs,loss,val_loss,backend,precision", File.ReadLines(_dir.File("bf16.csv")).First());
        Assert.Equal("run01_M1_C0-1,1,3,0.5,0.25,onednn,mixed_bfloat16", File.ReadLines(_dir.File("bf16.csv")).Last());

        Assert.Null(ProtocolReports.EngineLabel(new GenNetTrainingOptions { Backend = "onednn", DtypePolicy = Policy.Float32 }));
        Assert.Equal("openblas, float32", ProtocolReports.EngineLabel(new GenNetTrainingOptions { Backend = "openblas", DtypePolicy = Policy.Float32 }));
        var table = new Table2([0], [], [], new Table2Context("s", 1, SplitMode.Contiguous, 1, false, Engine: "onednn, mixed_bfloat16"));
        Assert.StartsWith("# Table II — engine: onednn, mixed_bfloat16\n", Table2Markdown.Render(table));
        Assert.Contains("\"engine\": \"onednn, mixed_bfloat16\"", Table2Json.Render(table));
        var plain = table with { Context = table.Context with { Engine = null } };
        Assert.DoesNotContain("engine", Table2Markdown.Render(plain));
        Assert.DoesNotContain("engine", Table2Json.Render(plain));
    }

    [Fact]
    public void Demo_results_of_another_backend_or_precision_get_their_own_folder()
    {
        Assert.Equal("results-reference-runs2", DemoSession.ResultsFolderName(new DemoOptions()));
        Assert.Equal("results-runs1", DemoSession.ResultsFolderName(new DemoOptions { Runs = 1, Conventions = ProtocolConventions.Paper }));
        Assert.Equal("results-reference-runs2-onednn-mixed_bfloat16",
            DemoSession.ResultsFolderName(new DemoOptions { Backend = "onednn", DtypePolicy = Policy.MixedBfloat16 }));
        Assert.Equal("results-reference-runs2-openblas", DemoSession.ResultsFolderName(new DemoOptions { Backend = "openblas" }));
    }
}
