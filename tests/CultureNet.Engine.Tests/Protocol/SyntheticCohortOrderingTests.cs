using CultureNet.Engine.Sessions;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// The product's own synthetic generator (what `culturenet synth` and `demo` use), through the whole protocol with real
/// training and the reference's fit settings: its planted child-specific distortions must make every subject-dependent
/// setting beat every subject-independent one on mean PC in both cultures, and its planted culture differences must give
/// the cross-culture M2 the worst MAE of the subject-independent settings. (Which SI setting has the lowest PC is within
/// the noise of a cohort this small; PlantedOrderingTests checks that ordering on a cohort built for it.)
/// </summary>
public class SyntheticCohortOrderingTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void GeneratorPlantsSdOverSiAndCrossCultureMaeInBothCultures()
    {
        using var dir = new TempDir();
        SyntheticCohort.Generate(dir.File("store"), new SyntheticCohortOptions { ChildrenPerCulture = 8, FramesPerChild = 400, Dim = 128, Seed = 1 });
        using var store = FeatureStore.Open(dir.File("store"));
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, "synthetic");
        var plan = ProtocolPlanner.Build(cohort, new ProtocolOptions { Runs = 1, Seed = 1, Settings = SettingVariant.TableOne.Where(s => s.Base != Setting.ME).ToList() });
        var table = ProtocolSession.RunAndReport(new ProtocolRunner(plan, new GenNetTrainer(store), dir.File("results")), ProtocolManifest.For(plan, "synthetic", synthetic: true)).Reports.Table;

        var si = new[] { Setting.M1, Setting.M2, Setting.M3, Setting.M4 };
        var sd = new[] { Setting.M5, Setting.M6, Setting.M7 };
        foreach (byte culture in new byte[] { 0, 1 })
        {
            double Pc(Setting s) => table.Find(s, culture)!.Pc!.Value.Mean;
            double Mae(Setting s) => table.Find(s, culture)!.Mae.Mean;
            string row = string.Join(", ", si.Concat(sd).Select(s => $"{s} PC {Pc(s):F1} MAE {Mae(s):F3}"));
            Assert.True(sd.Min(Pc) > si.Max(Pc), $"C{culture}: an SI setting reaches an SD setting's PC: {row}");
            Assert.True(si.Where(s => s != Setting.M2).All(s => Mae(Setting.M2) > Mae(s)), $"C{culture}: M2 does not have the worst SI MAE: {row}");
        }
    }
}
