using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>A child's score for a setting: each metric's mean over the runs (fractions, not %); NaN correlations for ME.</summary>
public sealed record ChildScore(SettingVariant Setting, ChildId Child, MetricScores Mean, int Runs);
