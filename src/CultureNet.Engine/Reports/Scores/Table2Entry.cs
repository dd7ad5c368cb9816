using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>One cell group of Table II: a setting in a culture, mean ± SD over its children of the per-child mean
/// scores. ICC, CCC and PC in % (null for ME), MAE in label units.</summary>
public sealed record Table2Entry(Setting Setting, byte Culture, int Children, MeanSd? Icc, MeanSd? Ccc, MeanSd? Pc, MeanSd Mae);
