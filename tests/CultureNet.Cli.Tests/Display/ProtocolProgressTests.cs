using CultureNet.Engine.Protocol.Running;
using CultureNet.Cli.Display;

namespace CultureNet.Cli.Tests.Display;

public class ProtocolProgressTests
{
    [Fact]
    public void Rate_and_eta_count_only_fits_trained_by_this_process()
    {
        // 40 fits were resumed, 10 trained in 20 s → 0.5 fits/s, 50 left → 100 s.
        var p = new ProtocolProgress(Done: 50, Total: 100, Resumed: 40, Current: null, Elapsed: TimeSpan.FromSeconds(20));
        Assert.Equal(0.5, p.Rate, 12);
        Assert.Equal(TimeSpan.FromSeconds(100), p.Remaining);
        Assert.Equal("50/100 fits, 0.50 fits/s, ETA 01:40, 40 resumed", ProtocolProgressBar.Describe(p));
    }

    [Fact]
    public void Before_the_first_trained_fit_there_is_no_rate_or_eta()
    {
        var p = new ProtocolProgress(3, 10, 3, "run01_M1_C0-1", TimeSpan.FromSeconds(2));
        Assert.Null(p.Remaining);
        Assert.Equal("3/10 fits, - fits/s, ETA -, 3 resumed", ProtocolProgressBar.Describe(p));
        Assert.Equal("2:03:04", ProtocolProgressBar.FormatSpan(new TimeSpan(2, 3, 4)));
    }
}
