using BenchmarkDotNet.Running;

namespace CultureNet.Benchmarks;

public static class Program
{
    // `dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*'` runs every benchmark class.
    // `-- --open-cost DIR` measures FeatureStore.Open's time and memory on a real store instead (see OpenCost).
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--open-cost") OpenCost.Run(args[1]);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
