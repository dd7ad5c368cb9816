using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace CultureNet.Engine.Tests.Architecture;

/// <summary>
/// The managed layering of docs/architecture.md: a namespace may use only the namespaces below it. Each layer is
/// checked against every layer above it, so an upward reference fails here naming both types.
/// </summary>
public class LayeringTests
{
    /// <summary>Lowest first. A layer is a namespace and its sub-namespaces (Nn covers Nn.Layers, Nn.Optimizers, …).</summary>
    public static readonly string[] Layers =
    [
        "CultureNet.Engine",
        "CultureNet.Engine.IO",
        "CultureNet.Engine.Determinism",
        "CultureNet.Engine.Cohort",
        "CultureNet.Engine.Native",
        "CultureNet.Engine.Nn",
        "CultureNet.Engine.Weights",
        "CultureNet.Engine.Data",
        "CultureNet.Engine.Metrics",
        "CultureNet.Engine.Models",
        "CultureNet.Engine.Protocol.Planning",
        "CultureNet.Engine.Protocol.Running",
        "CultureNet.Engine.Reports.Scores",
        "CultureNet.Engine.Reports.Formats",
        "CultureNet.Engine.Reports",
        "CultureNet.Engine.Figures",
        "CultureNet.Engine.Extraction",
        "CultureNet.Engine.Sessions",
        "CultureNet.Benchmarking",
    ];

    private static readonly System.Reflection.Assembly Engine = typeof(CultureNetException).Assembly;
    private static readonly System.Reflection.Assembly Benchmarking = typeof(CultureNet.Benchmarking.GenNetCost).Assembly;

    private static readonly ArchUnitNET.Domain.Architecture Code = new ArchLoader().LoadAssemblies(Engine, Benchmarking).Build();

    /// <summary>The root layer is the root namespace alone; every other layer includes its sub-namespaces, except
    /// those that are layers of their own (Reports.Scores and Reports.Formats sit below Reports).</summary>
    private static string Pattern(int layer)
    {
        if (layer == 0) return @"^CultureNet\.Engine$";
        string name = System.Text.RegularExpressions.Regex.Escape(Layers[layer]);
        var own = Layers.Where(l => l.StartsWith(Layers[layer] + ".", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Escape(l[(Layers[layer].Length + 1)..])).ToList();
        string except = own.Count == 0 ? "" : $@"(?!\.({string.Join("|", own)})(\.|$))";
        return "^" + name + except + @"(\..+)?$";
    }

    public static TheoryData<string> LayerNames() => new(Layers.Take(Layers.Length - 1));

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_layer_uses_no_layer_above_it(string layer)
    {
        int index = Array.IndexOf(Layers, layer);
        var above = string.Join("|", Enumerable.Range(index + 1, Layers.Length - index - 1).Select(i => "(" + Pattern(i) + ")"));
        Types().That().ResideInNamespaceMatching(Pattern(index))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(above))
            .Because($"{layer} sits below {string.Join(", ", Layers.Skip(index + 1))} (docs/architecture.md)")
            .Check(Code);
    }

    [Fact]
    public void Every_engine_type_belongs_to_a_layer()
    {
        var patterns = Enumerable.Range(0, Layers.Length).Select(i => new System.Text.RegularExpressions.Regex(Pattern(i))).ToArray();
        var outside = Engine.GetTypes().Concat(Benchmarking.GetTypes())
            .Where(t => t.Namespace is { } ns && ns.StartsWith("CultureNet", StringComparison.Ordinal))
            .Where(t => !patterns.Any(p => p.IsMatch(t.Namespace!)))
            .Select(t => t.FullName).ToArray();
        Assert.True(outside.Length == 0, "types outside every layer of docs/architecture.md: " + string.Join(", ", outside));
    }

    [Fact]
    public void No_library_references_the_cli_and_the_engine_not_the_benchmarks()
    {
        string[] Referenced(System.Reflection.Assembly a) => a.GetReferencedAssemblies().Select(r => r.Name!).ToArray();
        Assert.DoesNotContain("culturenet", Referenced(Engine));
        Assert.DoesNotContain("culturenet", Referenced(Benchmarking));
        Assert.DoesNotContain("CultureNet.Benchmarking", Referenced(Engine));
    }
}
