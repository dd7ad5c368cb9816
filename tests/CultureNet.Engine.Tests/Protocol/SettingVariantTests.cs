using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Tests.Protocol;

public class SettingVariantTests
{
    [Fact]
    public void Parses_table_one_settings_and_analyses()
    {
        var list = SettingVariant.ParseList("me, M7,m1,M1, M1-c4, M6-d5 ,M1-d40");
        Assert.Equal(new[] { "M1", "M1-c4", "M1-d40", "M6-d5", "M7", "ME" }, list.Select(s => s.Name));
        Assert.Equal(new SettingVariant(Setting.M1, TrainingChildren: 4), list[1]);
        Assert.Equal(8, SettingVariant.TableOne.Count);
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
        var e = Assert.Throws<CultureNetException>(() => SettingVariant.ParseList($"M1,{name}"));
        Assert.Contains($"unknown setting '{name}'", e.Message);
        Assert.Contains("M1, M2, M3, M4, M5, M6, M7 or ME", e.Message);
    }

    [Fact]
    public void An_empty_list_is_an_error()
    {
        Assert.Throws<CultureNetException>(() => SettingVariant.ParseList(" , "));
    }

    [Fact]
    public void Figure_analyses_cover_the_fig3_curves()
    {
        var names = SettingVariant.FigureAnalyses(14).Select(s => s.Name).ToArray();
        Assert.Equal(new[] { "M1-c4", "M1-c7", "M1-c11", "M1-d25", "M1-d50", "M1-d75", "M6-d5", "M6-d10", "M6-d15" }, names);
        // Small cultures get fewer, distinct points below the full M1.
        Assert.Equal(new[] { "M1-c1" }, SettingVariant.FigureAnalyses(2).Where(s => s.TrainingChildren is not null).Select(s => s.Name));
        Assert.DoesNotContain(SettingVariant.FigureAnalyses(1), s => s.TrainingChildren is not null);
    }
}
