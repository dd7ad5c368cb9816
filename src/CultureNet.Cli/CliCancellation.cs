namespace CultureNet.Cli;

/// <summary>Ctrl+C cancels the token (the command stops after the item in flight and keeps what it wrote) instead of killing the process.</summary>
public sealed class CliCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ConsoleCancelEventHandler _handler;

    private CliCancellation()
    {
        _handler = (_, e) => { e.Cancel = true; _source.Cancel(); };
        Console.CancelKeyPress += _handler;
    }

    public static CliCancellation OnCtrlC() => new();
    public CancellationToken Token => _source.Token;
    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _source.Dispose();
    }
}
