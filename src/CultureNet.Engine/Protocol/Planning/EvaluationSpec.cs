using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>A fit's model scored for one setting on one target child's test rows (its p1 portion, ascending).</summary>
public sealed record EvaluationSpec(SettingVariant Setting, ChildId Child, int[] TestRows);
