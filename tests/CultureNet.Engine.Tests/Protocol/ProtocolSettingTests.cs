using CultureNet.Engine.Protocol;

namespace CultureNet.Engine.Tests.Protocol;

public class ProtocolSettingTests
{
    [Fact]
    public void Parses_table_one_settings_and_analyses()
    {
        var list = ProtocolSetting.ParseList("me, M7,m1,M1, M1-c4, M6-d5 ,M1-d40");
        Assert.Equal(new[] { "M1", "M1-c4", "M1-d40", "M6-d5", "M7", "ME" }, list.Select(s => s.Name));
        Assert.Equal(new ProtocolSetting(Setting.M1, TrainingChildren: 4), list[1]);
        Assert.Equal(8, ProtocolSetting.TableOne.Count);
    }

    [Theory]
    [InlineData("M8")]
    [InlineData("M0")]
    [InlineData("GenNet")]
    [InlineData("M6-d25")]
    [InlineData("M2-c3")]
    [InlineData("M1-d0")]
    [InlineData("ME-d5")]
    public void Unknown_setting_names_are_clear_errors(string name)
    {
        var e = Assert.Throws<CultureNetException>(() => ProtocolSetting.ParseList($"M1,{name}"));
        Assert.Contains($"unknown setting '{name}'", e.Message);
        Assert.Contains("M1, M2, M3, M4, M5, M6, M7 or ME", e.Message);
    }

    [Fact]
    public void An_empty_list_is_an_error()
    {
        Assert.Throws<CultureNetException>(() => ProtocolSetting.ParseList(" , "));
    }

    [Fact]
    public void Figure_analyses_cover_the_fig3_curves()
    {
        var names = ProtocolSetting.FigureAnalyses(14).Select(s => s.Name).ToArray();
        Assert.Equal(new[] { "M1-c2", "M1-c4", "M1-c6", "M1-c8", "M1-c10", "M1-c12", "M1-d20", "M1-d40", "M1-d60", "M1-d80", "M6-d5", "M6-d10", "M6-d15" }, names);
    }
}
