using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace CultureNet.Engine.Extraction;

/// <summary>Consumes a channel from synchronous code (an iterator), rethrowing the producer's failure as itself.</summary>
internal static class BlockingChannel
{
    /// <summary>The items until the writer completes; if it completed with an error, that error is thrown at the end.</summary>
    public static IEnumerable<T> ReadAll<T>(ChannelReader<T> reader, CancellationToken cancel)
    {
        while (true)
        {
            T? item;
            try
            {
                if (!reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult()) break;
                if (!reader.TryRead(out item)) continue;
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            yield return item;
        }
        if (reader.Completion.IsFaulted)
            ExceptionDispatchInfo.Capture(reader.Completion.Exception!.InnerException!).Throw();
    }
}
