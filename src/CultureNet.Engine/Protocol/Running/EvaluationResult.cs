using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>One model's predictions for one setting on one target child's test frames in one run.</summary>
public sealed record EvaluationResult(SettingVariant Setting, int Run, ChildId Child, int[] Frames, float[] Labels, float[] Predictions)
{
    public EvaluationResult Validate()
    {
        if (Frames.Length != Labels.Length || Labels.Length != Predictions.Length)
            throw new ArgumentException($"{Setting} run {Run} child {Child}: {Frames.Length} frames, {Labels.Length} labels, {Predictions.Length} predictions");
        return this;
    }
}
