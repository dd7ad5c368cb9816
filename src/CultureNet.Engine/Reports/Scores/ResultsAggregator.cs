using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>
/// The reference's summary: a child's score is the mean over runs; a culture's Table II entry is mean ± SD over its
/// children (population SD), correlations ×100.
/// </summary>
public static class ResultsAggregator
{
    public static IReadOnlyList<ChildScore> PerChild(IEnumerable<ChildRunScore> scores)
    {
        var result = new List<ChildScore>();
        foreach (var group in scores.GroupBy(s => (s.Setting, s.Child)).OrderBy(g => g.Key.Setting).ThenBy(g => g.Key.Child))
        {
            var runs = group.ToArray();
            if (runs.Select(r => r.Run).Distinct().Count() != runs.Length)
                throw new ArgumentException($"{group.Key.Setting} child {group.Key.Child}: the same run is scored twice");
            result.Add(new ChildScore(group.Key.Setting, group.Key.Child, new MetricScores(
                runs.Average(r => r.Scores.Icc), runs.Average(r => r.Scores.Ccc),
                runs.Average(r => r.Scores.Pc), runs.Average(r => r.Scores.Mae)), runs.Length));
        }
        return result;
    }

    /// <summary>Table II from per-child scores; Fig. 3 analyses (setting variants) are not part of it.</summary>
    public static Table2 Table2(IEnumerable<ChildScore> perChild, Table2Context context)
    {
        var rows = perChild.Where(c => !c.Setting.IsVariant).ToArray();
        var cultures = rows.Select(r => r.Child.Culture).Distinct().Order().ToArray();
        var settings = rows.Select(r => r.Setting.Base).Distinct().Order().ToArray();
        var entries = new List<Table2Entry>();
        foreach (var setting in settings)
            foreach (byte culture in cultures)
            {
                var children = rows.Where(r => r.Setting.Base == setting && r.Child.Culture == culture).ToArray();
                if (children.Length == 0) continue;
                MeanSd? Corr(Func<MetricScores, double> pick) =>
                    setting.HasCorrelations() ? MeanSd.Of(children.Select(c => pick(c.Mean)).ToArray(), 100.0) : null;
                entries.Add(new Table2Entry(setting, culture, children.Length,
                    Corr(m => m.Icc), Corr(m => m.Ccc), Corr(m => m.Pc), MeanSd.Of(children.Select(c => c.Mean.Mae).ToArray())));
            }
        return new Table2(cultures, settings, entries, context);
    }
}
