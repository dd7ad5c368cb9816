namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// Which shard trains which fits: every fit trained from scratch, with all the fits that start from its weights (M3 →
/// M4; M7's joint → culture → child models), forms one unit that goes to one shard, so parents stay with their
/// dependents and no checkpoint crosses processes. Units are dealt largest estimated cost first to the least loaded
/// shard (ties: the lower shard, then plan order), so the assignment depends only on the plan and the shard count.
/// </summary>
public static class ShardAssignment
{
    /// <summary>The keys of the fits shard <paramref name="shard"/> trains (all runs).</summary>
    public static HashSet<string> KeysOf(ProtocolPlan plan, Shard shard)
    {
        var units = Units(plan);
        var load = new double[shard.Count];
        var keys = new HashSet<string>();
        foreach (var unit in units.OrderByDescending(u => u.Cost).ThenBy(u => u.Order))
        {
            int target = 0;
            for (int s = 1; s < load.Length; s++) if (load[s] < load[target]) target = s;
            load[target] += unit.Cost;
            if (target == shard.Index - 1) keys.UnionWith(unit.Keys);
        }
        return keys;
    }

    /// <summary>Estimated multiply-add passes of one sample through the whole network: training epochs (forward and
    /// backward, ≈ 3 passes per row), validation after each epoch and one prediction pass. A last-layer fit runs the
    /// frozen layers once over its rows and then trains only the small last layer, which is neglected.</summary>
    public static double EstimatedCost(FitSpec fit, int epochs) => fit.Kind switch
    {
        FitKind.GenNet => epochs * (3.0 * fit.TrainRows.Length + fit.ValidationRows.Length) + TestRows(fit),
        FitKind.LastLayer => fit.TrainRows.Concat(fit.ValidationRows).Distinct().Count() + TestRows(fit),
        _ => 0.01 * fit.TrainRows.Length,
    };

    private static int TestRows(FitSpec fit) => fit.Evaluations.Sum(e => e.TestRows.Length);

    private sealed class Unit(int order)
    {
        public int Order { get; } = order;
        public double Cost { get; set; }
        public List<string> Keys { get; } = [];
    }

    private static List<Unit> Units(ProtocolPlan plan)
    {
        var units = new List<Unit>();
        int epochs = plan.Options.Training.Epochs;
        foreach (int runNumber in plan.RunNumbers)
        {
            var run = plan.GetRun(runNumber);
            var byRoot = new Dictionary<string, Unit>();
            foreach (var fit in run.Fits)
            {
                string root = run.Lineage(fit).Last().Key;
                if (!byRoot.TryGetValue(root, out var unit))
                {
                    byRoot[root] = unit = new Unit(units.Count);
                    units.Add(unit);
                }
                unit.Keys.Add(fit.Key);
                unit.Cost += EstimatedCost(fit, epochs);
            }
        }
        return units;
    }
}
