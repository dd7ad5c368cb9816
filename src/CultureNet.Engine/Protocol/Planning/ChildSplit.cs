using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Planning;

/// <summary>
/// One child's rows divided for one run. All row arrays hold store row indices in ascending order.
/// <list type="bullet">
/// <item>P2 (20%): the child's own training data in the SD settings (M5–M7, ME).</item>
/// <item>P1 (80%): the test portion; every setting is scored on the target child's P1.</item>
/// <item>SiTrain / SiValidation: how the child's rows are used when it is one of the training children of an SI setting
/// (M1–M4). Contiguous: the first 80% / last 20% of its frames, as the released code does (docs/protocol.md);
/// random: P1 / P2, as the paper's text says.</item>
/// </list>
/// </summary>
public sealed class ChildSplit
{
    private readonly int[] _p2Order;
    private readonly int[] _siTrainOrder;

    internal ChildSplit(ChildId child, int frameCount, int[] p2Order, int[] p1, int[] siTrainOrder, int[] siValidation)
    {
        Child = child;
        FrameCount = frameCount;
        _p2Order = p2Order;
        _siTrainOrder = siTrainOrder;
        P2 = p2Order.Order().ToArray();
        P1 = p1;
        SiTrain = siTrainOrder.Order().ToArray();
        SiValidation = siValidation;
    }

    public ChildId Child { get; }
    public int FrameCount { get; }
    public int[] P2 { get; }
    public int[] P1 { get; }
    public int[] SiTrain { get; }
    public int[] SiValidation { get; }

    /// <summary>
    /// The first ⌊FrameCount·percent/100⌋ rows of P2 in selection order (time order for contiguous splits, the drawn
    /// order for random ones), ascending: the target data of M6 with 5/10/15/20% (percent ≤ 20).
    /// </summary>
    public int[] P2Prefix(int percent)
    {
        if (percent <= 0 || percent > 20) throw new ArgumentOutOfRangeException(nameof(percent), percent, "expected 1…20 (% of the child's frames, within p2)");
        int count = (int)((long)FrameCount * percent / 100);
        return _p2Order.Take(count).Order().ToArray();
    }

    /// <summary>
    /// The first ⌊|SiTrain|·percent/100⌋ of SiTrain in selection order, ascending: a training child's data in the
    /// "fraction of each child's data" analysis of M1 (Fig. 3, left, bottom).
    /// </summary>
    public int[] SiTrainPrefix(int percent)
    {
        if (percent <= 0 || percent > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "expected 1…100");
        int count = (int)((long)_siTrainOrder.Length * percent / 100);
        return _siTrainOrder.Take(count).Order().ToArray();
    }
}
