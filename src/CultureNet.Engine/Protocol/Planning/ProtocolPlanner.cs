using CultureNet.Engine.Determinism;
using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// Builds the fits of the evaluation protocol (docs/protocol.md) over a cohort: which rows each model trains and validates on,
/// which fit it starts from, and which children it is scored on.
/// </summary>
/// <remarks>
/// Validation sets for early stopping: SI settings (M1–M4) validate on the SI validation rows of their training children
/// (the last 20% of each, contiguous mode), never on the target child. SD settings follow the released code: M5 and M6
/// validate on the target child's p2 — which is also in their training set —, M7's joint and culture models on their own
/// training rows (p2 of the children involved), and M7's child layer on the target's p2. The test rows are always the
/// target child's p1, which no SD fit trains or validates on.
/// </remarks>
public static class ProtocolPlanner
{
    public static ProtocolPlan Build(CohortMetadata cohort, ProtocolOptions options)
    {
        if (options.Runs < 1) throw new CultureNetException($"--runs must be at least 1 (got {options.Runs})");
        if (options.Settings.Count == 0) throw new CultureNetException("no settings to run");
        CheckCultures(cohort);
        if (options.Conventions == ProtocolConventions.Reference) CheckReleasedCohort(cohort, options);
        var normalised = options with { Settings = options.Settings.Distinct().Order().ToArray() };
        CheckVariants(cohort, normalised.Settings);
        var shared = BuildSharedRun(cohort, normalised);
        // Split sizes do not depend on the run, so run 1 checks every child's frame count for every run.
        var first = BuildRun(cohort, normalised, 1, shared);
        CheckVariantData(cohort, normalised.Settings, first.Splits);
        return new ProtocolPlan(cohort, normalised, first.Fits.Count,
            first.Fits.Count(f => f.Kind != FitKind.MeanBaseline), first.Fits.Sum(f => f.Evaluations.Count), shared);
    }

    internal static RunPlan BuildRun(CohortMetadata cohort, ProtocolOptions options, int run, RunPlan? shared = null)
    {
        var split = DataSplitter.SplitAll(cohort, options.Split, options.Seed, run, options.Conventions);
        var fits = new List<FitSpec>();
        new RunBuilder(cohort, options, options.Settings, run, split, fits).Build();
        return new RunPlan(run, split, fits, shared);
    }

    /// <summary>The released code pairs the cultures' children by position and has only the contiguous split.</summary>
    private static void CheckReleasedCohort(CohortMetadata cohort, ProtocolOptions options)
    {
        if (options.Split != SplitMode.Contiguous)
            throw new CultureNetException("--split random: the released code has no random split; use --conventions paper for it");
        var counts = cohort.Cultures.Select(c => (Culture: c, Count: cohort.ChildrenOf(c).Count())).ToArray();
        if (counts.Select(c => c.Count).Distinct().Count() != 1)
            throw new CultureNetException(
                $"{cohort.Source}: the released code pairs the cultures' children by position, but " +
                string.Join(" and ", counts.Select(c => $"culture {CultureLabels.Code(c.Culture)} has {c.Count} children")) +
                "; use --conventions paper for cohorts of unequal size");
    }

    /// <summary>Under the reference conventions with M7: the released <c>run_prelim_m7</c>, M7's joint stage on p2 of every
    /// child and a culture stage per culture, trained once and tested on every child of their cultures.</summary>
    private static RunPlan? BuildSharedRun(CohortMetadata cohort, ProtocolOptions options)
    {
        if (options.Conventions != ProtocolConventions.Reference || !options.Settings.Any(s => s.Base == Setting.M7 && !s.IsVariant))
            return null;
        var split = DataSplitter.SplitAll(cohort, options.Split, options.Seed, 0, options.Conventions);
        var fits = new List<FitSpec>();
        FitSpec Add(string key, FitKind kind, string? parent, IEnumerable<ChildId> children)
        {
            var rows = RunBuilder.Union(children.Select(c => split[c].P2));
            var evaluations = children.Select(c => new EvaluationSpec(new SettingVariant(Setting.M7), c, split[c].P1)).ToArray();
            var fit = new FitSpec(key, 0, kind, parent, rows, rows, SeedScheme.Derive(options.Seed, key), evaluations);
            fits.Add(fit);
            return fit;
        }
        var joint = Add(M7SharedJointKey, FitKind.GenNet, null, cohort.Children.Order().ToArray());
        foreach (byte culture in cohort.Cultures)
            Add(M7SharedCultureKey(culture), FitKind.LastLayer, joint.Key, cohort.ChildrenOf(culture).Order().ToArray());
        return new RunPlan(0, split, fits, parentsElsewhere: cohort.Cultures.Select(M7SharedCultureKey));
    }

    /// <summary>The key of M7's joint stage shared by every run (reference conventions).</summary>
    public const string M7SharedJointKey = "M7-joint";

    /// <summary>The key of M7's culture stage shared by every run (reference conventions): <c>M7-culture_C0</c>.</summary>
    public static string M7SharedCultureKey(byte culture) => $"M7-culture_{CultureLabels.Code(culture)}";

    private static void CheckCultures(CohortMetadata cohort)
    {
        var names = string.Join(", ", cohort.Cultures.Select(c => CultureLabels.Code(c)));
        if (cohort.Cultures.Count < 2)
            throw new CultureNetException(
                $"{cohort.Source}: the protocol needs two cultures, but the store holds only culture {names}");
        if (cohort.Cultures.Count > 2)
            throw new CultureNetException(
                $"{cohort.Source}: the protocol compares exactly two cultures, but the store holds {cohort.Cultures.Count} ({names})");
        foreach (byte c in cohort.Cultures)
        {
            int count = cohort.ChildrenOf(c).Count();
            if (count < 2)
                throw new CultureNetException(
                    $"{cohort.Source}: culture {CultureLabels.Code(c)} has {count} child; the protocol needs at least 2 per culture (leave-one-child-out)");
        }
    }

    private static void CheckVariants(CohortMetadata cohort, IEnumerable<SettingVariant> settings)
    {
        foreach (var s in settings)
        {
            if (s.TrainingChildren is not { } k) continue;
            foreach (byte c in cohort.Cultures)
            {
                int others = cohort.ChildrenOf(c).Count() - 1;
                if (k > others)
                    throw new CultureNetException(
                        $"setting {s}: asks for {k} training children, but culture {CultureLabels.Code(c)} of {cohort.Source} has only {others} children besides the target");
            }
        }
    }

    private static void CheckVariantData(CohortMetadata cohort, IEnumerable<SettingVariant> settings,
        IReadOnlyDictionary<ChildId, ChildSplit> split)
    {
        foreach (var s in settings)
        {
            if (s.DataPercent is not { } p) continue;
            foreach (var child in split.Values)
            {
                int rows = s.Base == Setting.M6 ? child.P2Prefix(p).Length : child.SiTrainPrefix(p).Length;
                if (rows == 0)
                    throw new CultureNetException(
                        $"setting {s}: child {child.Child} of {cohort.Source} has {child.FrameCount} frames; {p}% of its {(s.Base == Setting.M6 ? "frames" : "training rows")} is not a single frame");
            }
        }
    }

    /// <summary>The key of a per-target fit: <c>run03_M1_C0-7</c>.</summary>
    public static string FitKey(int run, string setting, ChildId target) => $"run{run:D2}_{setting}_{target.Token}";

    /// <summary>The key of M7's joint fit of a run (both cultures, the body CultureNet shares): <c>run03_M7-joint</c>.</summary>
    public static string M7JointKey(int run) => $"run{run:D2}_M7-joint";

    /// <summary>The key of M7's culture-layer fit of a run: <c>run03_M7-culture_C0</c>.</summary>
    public static string M7CultureKey(int run, byte culture) => $"run{run:D2}_M7-culture_{CultureLabels.Code(culture)}";

    /// <summary>The key of M7's personalised fit for a child: <c>run03_M7_C0-7</c>.</summary>
    public static string M7ChildKey(int run, ChildId child) => FitKey(run, "M7", child);

    /// <summary>Builds the fits of one run.</summary>
    private sealed class RunBuilder(CohortMetadata cohort, ProtocolOptions options, IReadOnlyList<SettingVariant> settings,
        int run, IReadOnlyDictionary<ChildId, ChildSplit> split, List<FitSpec> fits)
    {
        private string Prefix => $"run{run:D2}";

        private bool Wants(Setting s) => settings.Any(x => x.Base == s && !x.IsVariant);

        private bool Released => options.Conventions == ProtocolConventions.Reference;

        /// <summary>The child the released loop holds out of the other culture with the target: the one at the target's
        /// position in the other culture's ascending id list.</summary>
        private ChildId PartnerOf(ChildId target)
        {
            var own = cohort.ChildrenOf(target.Culture).Order().ToList();
            byte other = cohort.Cultures.Single(c => c != target.Culture);
            return cohort.ChildrenOf(other).Order().ElementAt(own.IndexOf(target));
        }

        public void Build()
        {
            var cultures = cohort.Cultures;
            if (Wants(Setting.M2) && !Released)
                foreach (byte target in cultures)
                {
                    byte other = cultures.Single(c => c != target);
                    var trainers = cohort.ChildrenOf(other).ToArray();
                    Add($"{Prefix}_M2_{CultureLabels.Code(target)}", FitKind.GenNet, null,
                        Union(trainers.Select(c => split[c].SiTrain)), Union(trainers.Select(c => split[c].SiValidation)),
                        cohort.ChildrenOf(target).Select(t => Eval(new SettingVariant(Setting.M2), t)).ToArray());
                }

            foreach (var target in cohort.Children)
                BuildTarget(target);

            if (Wants(Setting.M7)) BuildM7();
        }

        private void BuildTarget(ChildId target)
        {
            var sameCulture = cohort.ChildrenOf(target.Culture).Where(c => c != target).ToArray();
            var bothCultures = cohort.Children.Where(c => c != target).ToArray();

            foreach (var s in settings.Where(s => s.Base == Setting.M1))
            {
                var trainers = sameCulture;
                if (s.TrainingChildren is { } k)
                {
                    var pick = sameCulture.ToArray();
                    new DeterministicRandom(SeedScheme.Derive64(options.Seed, $"children/{Prefix}/{s.Name}/{target.Token}")).Shuffle(pick.AsSpan());
                    trainers = pick[..k];
                }
                var train = s.DataPercent is { } p
                    ? Union(trainers.Select(c => split[c].SiTrainPrefix(p)))
                    : Union(trainers.Select(c => split[c].SiTrain));
                Add(Key(s.Name, target), FitKind.GenNet, null, train, Union(trainers.Select(c => split[c].SiValidation)),
                    [Eval(s, target)]);
            }

            if (Wants(Setting.M2) && Released)
            {
                // The released run_m2: the other culture's leave-one-out training rows, the target culture's validation rows.
                var partner = PartnerOf(target);
                var trainers = cohort.ChildrenOf(partner.Culture).Where(c => c != partner);
                Add(Key("M2", target), FitKind.GenNet, null, Union(trainers.Select(c => split[c].SiTrain)),
                    Union(sameCulture.Select(c => split[c].SiValidation)), [Eval(new SettingVariant(Setting.M2), target)]);
            }

            if (Wants(Setting.M3) || Wants(Setting.M4))
            {
                var (m3Train, m3Validation) = Released ? ReleasedMergedData(target, sameCulture)
                    : (Union(bothCultures.Select(c => split[c].SiTrain)), Union(bothCultures.Select(c => split[c].SiValidation)));
                var m3 = Add(Key("M3", target), FitKind.GenNet, null, m3Train, m3Validation,
                    Wants(Setting.M3) ? [Eval(new SettingVariant(Setting.M3), target)] : []);
                if (Wants(Setting.M4))
                    Add(Key("M4", target), FitKind.LastLayer, m3.Key,
                        Union(sameCulture.Select(c => split[c].SiTrain)), Union(sameCulture.Select(c => split[c].SiValidation)),
                        [Eval(new SettingVariant(Setting.M4), target)]);
            }

            var own = split[target];
            if (Wants(Setting.M5))
                Add(Key("M5", target), FitKind.GenNet, null,
                    Union(cohort.ChildrenOf(target.Culture).Select(c => split[c].P2)), own.P2,
                    [Eval(new SettingVariant(Setting.M5), target)]);

            foreach (var s in settings.Where(s => s.Base == Setting.M6))
            {
                var rows = s.DataPercent is { } p ? own.P2Prefix(p) : own.P2;
                Add(Key(s.Name, target), FitKind.GenNet, null, rows, rows, [Eval(s, target)]);
            }

            if (Wants(Setting.ME))
                Add(Key("ME", target), FitKind.MeanBaseline, null, own.P2, [], [Eval(new SettingVariant(Setting.ME), target)]);
        }

        /// <summary>The released <c>merge_data</c>: training = the target culture's leave-one-out training rows + every row of
        /// the other culture's children but the partner + the partner's test rows; validation = the target culture's.</summary>
        private (int[] Train, int[] Validation) ReleasedMergedData(ChildId target, ChildId[] sameCulture)
        {
            var partner = PartnerOf(target);
            var others = cohort.ChildrenOf(partner.Culture).Where(c => c != partner).ToArray();
            var train = Union(sameCulture.Select(c => split[c].SiTrain)
                .Concat(others.Select(c => split[c].SiTrain)).Concat(others.Select(c => split[c].SiValidation))
                .Append(split[partner].P1));
            return (train, Union(sameCulture.Select(c => split[c].SiValidation)));
        }

        private void BuildM7()
        {
            if (Released)
            {
                // run_prelim_m7's stages are shared (run 0); only the child stage is trained per run.
                foreach (var target in cohort.Children)
                    Add(M7ChildKey(run, target), FitKind.LastLayer, M7SharedCultureKey(target.Culture), split[target].P2,
                        split[target].P2, [Eval(new SettingVariant(Setting.M7), target)]);
                return;
            }
            var all = Union(cohort.Children.Select(c => split[c].P2));
            var joint = Add(M7JointKey(run), FitKind.GenNet, null, all, all, []);
            foreach (byte culture in cohort.Cultures)
            {
                var rows = Union(cohort.ChildrenOf(culture).Select(c => split[c].P2));
                var cultureFit = Add(M7CultureKey(run, culture), FitKind.LastLayer, joint.Key, rows, rows, []);
                foreach (var target in cohort.ChildrenOf(culture))
                    Add(M7ChildKey(run, target), FitKind.LastLayer, cultureFit.Key, split[target].P2, split[target].P2,
                        [Eval(new SettingVariant(Setting.M7), target)]);
            }
        }

        private string Key(string setting, ChildId target) => FitKey(run, setting, target);

        private EvaluationSpec Eval(SettingVariant setting, ChildId target) => new(setting, target, split[target].P1);

        private FitSpec Add(string key, FitKind kind, string? parent, int[] train, int[] validation, EvaluationSpec[] evaluations)
        {
            var fit = new FitSpec(key, run, kind, parent, train, validation, SeedScheme.Derive(options.Seed, key), evaluations);
            fits.Add(fit);
            return fit;
        }

        internal static int[] Union(IEnumerable<int[]> parts)
        {
            var rows = parts.SelectMany(p => p).ToArray();
            Array.Sort(rows);
            return rows;
        }
    }
}
