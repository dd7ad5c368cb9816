using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// A validated protocol over a cohort. Runs are materialised one at a time (<see cref="GetRun"/>) because the row lists of
/// all runs at paper scale would take hundreds of MB; every run has the same number of fits.
/// </summary>
public sealed class ProtocolPlan
{
    internal ProtocolPlan(CohortMetadata cohort, ProtocolOptions options, int fitsPerRun, int networkFitsPerRun, int evaluationsPerRun,
        RunPlan? sharedRun = null)
    {
        SharedRun = sharedRun;
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

    /// <summary>Run 0, the fits trained once before the runs and shared by all (M7's joint and culture stages under the
    /// reference conventions, as the released <c>run_prelim_m7</c>); null when there are none.</summary>
    public RunPlan? SharedRun { get; }

    public int TotalFits => FitsPerRun * Options.Runs + (SharedRun?.Fits.Count ?? 0);

    /// <summary>The runs in training order: the shared run 0 first when there is one, then 1 … Runs.</summary>
    public IEnumerable<int> RunNumbers => (SharedRun is null ? [] : new[] { 0 }).Concat(Enumerable.Range(1, Options.Runs));

    /// <summary>Builds the fits of run <paramref name="run"/> (1-based; 0 is the shared run). Deterministic: the same run
    /// always gives the same plan.</summary>
    public RunPlan GetRun(int run)
    {
        if (run == 0 && SharedRun is not null) return SharedRun;
        if (run < 1 || run > Options.Runs) throw new ArgumentOutOfRangeException(nameof(run), run, $"expected 1…{Options.Runs}");
        return ProtocolPlanner.BuildRun(Cohort, Options, run, SharedRun);
    }
}
