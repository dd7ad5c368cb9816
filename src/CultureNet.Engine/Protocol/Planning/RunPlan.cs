using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// The fits of one run, each after its parent: M2, then per target child M1 (+ analyses), M3, M4, M5, M6 (+ analyses),
/// ME, then M7's joint → culture → child chain. Parents are fits of the same run, or, under the reference conventions,
/// M7's stages shared by every run: they form run 0 (<see cref="ProtocolPlan.SharedRun"/>), which every later run can
/// look its parents up in.
/// </summary>
public sealed class RunPlan
{
    private readonly Dictionary<string, FitSpec> _byKey;
    private readonly HashSet<string> _parents;
    private readonly RunPlan? _shared;

    /// <param name="shared">The shared run whose fits this run's fits may start from.</param>
    /// <param name="parentsElsewhere">For the shared run: its fits that later runs' fits start from.</param>
    internal RunPlan(int run, IReadOnlyDictionary<ChildId, ChildSplit> splits, IReadOnlyList<FitSpec> fits,
        RunPlan? shared = null, IEnumerable<string>? parentsElsewhere = null)
    {
        Run = run;
        Splits = splits;
        Fits = fits;
        _shared = shared;
        _byKey = fits.ToDictionary(f => f.Key);
        _parents = fits.Where(f => f.ParentKey is not null).Select(f => f.ParentKey!)
            .Concat(parentsElsewhere ?? []).ToHashSet();
    }

    /// <summary>Run 0: the fits shared by every run (M7's joint and culture stages under the reference conventions).</summary>
    public bool IsShared => Run == 0;

    /// <summary>1-based run number.</summary>
    public int Run { get; }

    /// <summary>This run's split of every child.</summary>
    public IReadOnlyDictionary<ChildId, ChildSplit> Splits { get; }

    public IReadOnlyList<FitSpec> Fits { get; }

    /// <summary>A fit of this run or of the shared run.</summary>
    public FitSpec this[string key] => TryGet(key, out var fit) ? fit : throw new KeyNotFoundException(key);

    public bool TryGet(string key, out FitSpec fit) =>
        _byKey.TryGetValue(key, out fit!) || (_shared is not null && _shared.TryGet(key, out fit));

    /// <summary>Whether the fit is one of this run's own (not of the shared run).</summary>
    public bool Owns(string key) => _byKey.ContainsKey(key);

    /// <summary>Whether another fit starts from this fit's weights (so a resumable runner must keep them).</summary>
    public bool HasDependents(string key) => _parents.Contains(key);

    /// <summary>The fit, then its parent, grandparent … up to the fit that was trained from scratch.</summary>
    public IEnumerable<FitSpec> Lineage(FitSpec fit)
    {
        for (FitSpec? f = fit; f is not null; f = f.ParentKey is null ? null : this[f.ParentKey])
            yield return f;
    }
}
