using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// The fits of one run, each after its parent: M2, then per target child M1 (+ analyses), M3, M4, M5, M6 (+ analyses),
/// ME, then M7's joint → culture → child chain. Parents are always fits of the same run.
/// </summary>
public sealed class RunPlan
{
    private readonly Dictionary<string, FitSpec> _byKey;
    private readonly HashSet<string> _parents;

    internal RunPlan(int run, IReadOnlyDictionary<ChildId, ChildSplit> splits, IReadOnlyList<FitSpec> fits)
    {
        Run = run;
        Splits = splits;
        Fits = fits;
        _byKey = fits.ToDictionary(f => f.Key);
        _parents = fits.Where(f => f.ParentKey is not null).Select(f => f.ParentKey!).ToHashSet();
    }

    /// <summary>1-based run number.</summary>
    public int Run { get; }

    /// <summary>This run's split of every child.</summary>
    public IReadOnlyDictionary<ChildId, ChildSplit> Splits { get; }

    public IReadOnlyList<FitSpec> Fits { get; }

    public FitSpec this[string key] => _byKey[key];

    public bool TryGet(string key, out FitSpec fit) => _byKey.TryGetValue(key, out fit!);

    /// <summary>Whether another fit starts from this fit's weights (so a resumable runner must keep them).</summary>
    public bool HasDependents(string key) => _parents.Contains(key);

    /// <summary>The fit, then its parent, grandparent … up to the fit that was trained from scratch.</summary>
    public IEnumerable<FitSpec> Lineage(FitSpec fit)
    {
        for (FitSpec? f = fit; f is not null; f = f.ParentKey is null ? null : _byKey[f.ParentKey])
            yield return f;
    }
}
