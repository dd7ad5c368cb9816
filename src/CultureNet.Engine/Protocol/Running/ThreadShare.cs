namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// The engine threads of one process, shared among the fits it is training at the moment: each gets
/// <see cref="Total"/> / fits in training (at least one), looked up again at every epoch. So a fit left training
/// alone at the end of a pass takes the threads of the workers that went idle. On onednn a fit's result does not depend
/// on its thread count (docs/native-backends.md), so neither does the protocol's on how the threads were shared.
/// </summary>
public sealed class ThreadShare(int total)
{
    private int _training;

    public int Total { get; } = total >= 1 ? total : throw new ArgumentOutOfRangeException(nameof(total), total, "at least one thread");

    /// <summary>Threads for one fit now.</summary>
    public int PerFit => Math.Max(1, Total / Math.Max(1, Volatile.Read(ref _training)));

    /// <summary>Counts a fit as training until the scope is disposed.</summary>
    public Scope Training()
    {
        Interlocked.Increment(ref _training);
        return new Scope(this);
    }

    public readonly struct Scope(ThreadShare share) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref share._training);
    }
}
