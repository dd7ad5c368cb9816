namespace CultureNet.Cli.Display;

/// <summary>
/// The CLI's one IProgress adapter: calls back synchronously on the reporting thread (Progress&lt;T&gt; would post to the
/// thread pool and report late or out of order).
/// </summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
