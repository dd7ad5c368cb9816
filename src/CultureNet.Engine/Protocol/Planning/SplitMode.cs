namespace CultureNet.Engine.Protocol.Planning;

/// <summary>How each child's frames are divided into p2 (20%, SD training) and p1 (80%, test).</summary>
public enum SplitMode
{
    /// <summary>The released code's split: p2 = the first 20% of the child's frames in time order, p1 = the last 80%.
    /// Fixed across runs. The default: it keeps near-identical neighbouring frames out of the test set.</summary>
    Contiguous,

    /// <summary>The paper's text: a random 20/80 partition of the child's frames, drawn afresh for every run (seeded).</summary>
    Random,
}
