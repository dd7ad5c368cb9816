using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// A validated protocol over a cohort. Runs are materialised one at a time (<see cref="GetRun"/>) because the row lists of
/// all runs at paper scale would take hundreds of MB; every run has the same number of fits.
/// </summary>
public sealed class ProtocolPlan
{
    internal ProtocolPlan(CohortMetadata cohort, ProtocolOptions options, int fitsPerRun, int networkFitsPerRun, int evaluationsPerRun)
    {
        Cohort = cohort;
        Options = options;
        FitsPerRun = fitsPerRun;
        NetworkFitsPerRun = networkFitsPerRun;
        EvaluationsPerRun = evaluationsPerRun;
    }

    public CohortMetadata Cohort { get; }

    /// <summary>The options, with the settings de-duplicated and in canonical order.</summary>
    public ProtocolOptions Options { get; }

    public int FitsPerRun { get; }

    /// <summary>Fits per run that train a network (all but ME).</summary>
    public int NetworkFitsPerRun { get; }

    public int EvaluationsPerRun { get; }

    public int TotalFits => FitsPerRun * Options.Runs;

    public IEnumerable<int> RunNumbers => Enumerable.Range(1, Options.Runs);

    /// <summary>Builds the fits of run <paramref name="run"/> (1-based). Deterministic: the same run always gives the same plan.</summary>
    public RunPlan GetRun(int run)
    {
        if (run < 1 || run > Options.Runs) throw new ArgumentOutOfRangeException(nameof(run), run, $"expected 1…{Options.Runs}");
        return ProtocolPlanner.BuildRun(Cohort, Options, run);
    }
}
