namespace CultureNet.Engine.Protocol.Running;

/// <summary>Where a protocol run stands: fits done of the total (resumed ones included), how many of them were found
/// finished at start, and the fit now being trained.</summary>
public sealed record ProtocolProgress(int Done, int Total, int Resumed, string? Current, TimeSpan Elapsed)
{
    /// <summary>Fits trained by this process per second (resumed fits excluded); 0 before the first.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? (Done - Resumed) / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time to finish at the current rate; null until a fit was trained.</summary>
    public TimeSpan? Remaining => Rate > 0 ? TimeSpan.FromSeconds((Total - Done) / Rate) : null;
}
