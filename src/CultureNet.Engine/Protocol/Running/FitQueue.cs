using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// One pass over fits left to train, shared by the workers of one process. It hands out fits in plan order, a fit
/// only once its parent is neither waiting nor in training in this pass. A fit that could not be trained here (another
/// process holds it) is deferred, and so is every fit that starts from it, untried. Thread-safe.
/// </summary>
internal sealed class FitQueue
{
    private readonly object _gate = new();
    private readonly List<FitSpec> _waiting;
    private readonly Dictionary<string, int> _order;
    // Waiting or in training: a dependent of one of these must wait.
    private readonly HashSet<string> _open;
    private readonly List<FitSpec> _deferred = [];
    private readonly HashSet<string> _deferredKeys = [];
    private readonly List<string> _training = [];
    private bool _stopped;

    public FitQueue(IReadOnlyList<FitSpec> fits)
    {
        _waiting = [.. fits];
        _order = fits.Select((f, i) => (f.Key, i)).ToDictionary(p => p.Key, p => p.i);
        _open = [.. _order.Keys];
    }

    /// <summary>The next fit to train; null once none is left or after <see cref="Stop"/>. Blocks while every fit left
    /// waits for a parent in training.</summary>
    public FitSpec? Take()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_stopped) return null;
                int next = _waiting.FindIndex(f => f.ParentKey is not { } parent || !_open.Contains(parent));
                if (next < 0)
                {
                    if (_waiting.Count == 0) return null;
                    Monitor.Wait(_gate);
                    continue;
                }
                var fit = _waiting[next];
                _waiting.RemoveAt(next);
                if (fit.ParentKey is { } p && _deferredKeys.Contains(p))
                {
                    Defer(fit);
                    continue;
                }
                _training.Add(fit.Key);
                return fit;
            }
        }
    }

    /// <summary>Records a trained fit: <paramref name="record"/> runs under the queue's lock, before its dependents are
    /// handed out.</summary>
    public void Finish(FitSpec fit, Action record)
    {
        lock (_gate)
        {
            _training.Remove(fit.Key);
            _open.Remove(fit.Key);
            record();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>A fit another process holds: left for a later pass, with its dependents.</summary>
    public void Postpone(FitSpec fit)
    {
        lock (_gate)
        {
            _training.Remove(fit.Key);
            Defer(fit);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Hands out nothing more (cancellation, or a worker failed); fits in training finish or stop themselves.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The fits in training now, in the order they started, e.g. "run01_M1_C0-1, run01_M1_C0-2".</summary>
    public string Training
    {
        get { lock (_gate) return string.Join(", ", _training); }
    }

    /// <summary>The deferred fits in plan order.</summary>
    public List<FitSpec> Deferred
    {
        get { lock (_gate) return [.. _deferred.OrderBy(f => _order[f.Key])]; }
    }

    private void Defer(FitSpec fit)
    {
        _open.Remove(fit.Key);
        _deferredKeys.Add(fit.Key);
        _deferred.Add(fit);
    }
}
