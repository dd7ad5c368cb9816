using CultureNet.Engine.Cohort;
using CultureNet.Engine.IO;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// fits/composition.csv: what every fit of the plan trained, validated and tested on, one line per fit, role and child:
/// <c>key,run,parent,role,culture,child,frames,positions</c>, positions being 0-based indices into the child's frames in
/// time order as space-separated half-open slices (<c>0:400</c>; a random split gives several). Fits in plan order (the
/// shared run 0 first), roles train, validation, test, children ascending. Written atomically.
/// </summary>
public static class CompositionCsv
{
    public const string FileName = "composition.csv";
    public const string Header = "key,run,parent,role,culture,child,frames,positions";

    public static void Write(string path, ProtocolPlan plan) => AtomicFile.WriteText(path, w =>
    {
        w.WriteLine(Header);
        foreach (int runNumber in plan.RunNumbers)
            foreach (var fit in plan.GetRun(runNumber).Fits)
            {
                var roles = new (string Role, IEnumerable<int> Rows)[]
                {
                    ("train", fit.TrainRows), ("validation", fit.ValidationRows),
                    ("test", fit.Evaluations.SelectMany(e => e.TestRows)),
                };
                foreach (var (role, rows) in roles)
                    foreach (var child in rows.GroupBy(plan.Cohort.ChildAt).OrderBy(g => g.Key))
                    {
                        int start = plan.Cohort.RangeOf(child.Key).Start;
                        var positions = child.Select(r => r - start).Order().ToArray();
                        w.WriteLine(string.Join(',', fit.Key, CsvFormat.Int(fit.Run), fit.ParentKey ?? "", role,
                            CultureLabels.Code(child.Key.Culture), CsvFormat.Int(child.Key.Child), CsvFormat.Int(positions.Length),
                            Slices(positions)));
                    }
            }
    });

    /// <summary>"a:b c:d" of ascending positions: each maximal run of consecutive positions as a half-open slice.</summary>
    public static string Slices(IReadOnlyList<int> ascending)
    {
        var parts = new List<string>();
        for (int i = 0; i < ascending.Count;)
        {
            int j = i + 1;
            while (j < ascending.Count && ascending[j] == ascending[j - 1] + 1) j++;
            parts.Add($"{ascending[i]}:{ascending[j - 1] + 1}");
            i = j;
        }
        return string.Join(' ', parts);
    }
}
