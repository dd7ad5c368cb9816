using CultureNet.Engine.Sessions;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Models;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// The whole protocol with real GenNet/CultureNet training on a seeded synthetic cohort whose children differ (a private
/// engagement direction each) and whose cultures disagree (opposite culture directions): subject-dependent settings must
/// beat every subject-independent one, and the cross-culture M2 must be the weakest subject-independent setting.
/// </summary>
public class PlantedOrderingTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void SD_settings_beat_SI_settings_and_M2_is_the_weakest_SI_setting_in_both_cultures()
    {
        using var dir = new TempDir();
        using var store = PlantedCohort.Write(dir.File("store"));
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, "planted");
        var plan = ProtocolPlanner.Build(cohort, new ProtocolOptions { Runs = 2, Seed = 3 });
        var trainer = new GenNetTrainer(store, new GenNetTrainingOptions { HiddenUnits = [32, 16, 8, 4] });
        var table = ProtocolSession.RunAndReport(new ProtocolRunner(plan, trainer, dir.File("results")), ProtocolManifest.For(plan, "planted", synthetic: true)).Reports.Table;

        foreach (byte culture in cohort.Cultures)
        {
            double Pc(Setting s) => table.Find(s, culture)!.Pc!.Value.Mean;
            var si = new[] { Setting.M1, Setting.M2, Setting.M3, Setting.M4 };
            var sd = new[] { Setting.M5, Setting.M6, Setting.M7 };
            string row = string.Join(", ", si.Concat(sd).Select(s => $"{s} {Pc(s):F1}"));
            Assert.True(sd.Min(Pc) > si.Max(Pc), $"C{culture}: an SI setting reaches an SD setting's PC: {row}");
            Assert.True(si.Where(s => s != Setting.M2).All(s => Pc(Setting.M2) < Pc(s)), $"C{culture}: M2 is not the weakest SI setting: {row}");
        }
    }
}
