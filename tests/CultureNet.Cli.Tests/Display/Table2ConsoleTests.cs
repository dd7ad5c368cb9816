using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Cli.Display;
using CultureNet.Engine.Metrics;
using CultureNet.Engine.Reports.Scores;
using Spectre.Console;

namespace CultureNet.Cli.Tests.Display;

public class Table2ConsoleTests
{
    [Fact]
    public void Prints_the_table_with_units_and_the_synthetic_mark()
    {
        var perChild = ResultsAggregator.PerChild([
            new ChildRunScore(new SettingVariant(Setting.M1), 1, new ChildId(0, 1), new MetricScores(0.1, 0.2, 0.3, 0.4)),
            new ChildRunScore(new SettingVariant(Setting.ME), 1, new ChildId(1, 2), new MetricScores(double.NaN, double.NaN, double.NaN, 0.5)),
        ]);
        var table = ResultsAggregator.Table2(perChild, new Table2Context("s", 1, SplitMode.Contiguous, 1, Synthetic: true));
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 80;
        Table2Console.Print(table, console);
        string text = writer.ToString();
        Assert.Contains("SYNTHETIC", text);
        Assert.Contains("Table II, culture C0", text);
        Assert.Contains("Table II, culture C1", text);
        Assert.Contains("ICC [%]", text);
        Assert.Contains("30.00±0.00", text);
        Assert.Contains("0.50±0.00", text);
    }
}
