using BenchmarkDotNet.Running;

namespace CultureNet.Benchmarks;

public static class Program
{
    // `dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*'` runs every benchmark class.
    // `-- --store-ratios DIR [rounds]` gives feature-store read ratios to memcpy as medians of interleaved rounds (StoreThroughputRatios).
    // `-- --open-cost DIR` measures FeatureStore.Open's time and memory on a real store instead (see OpenCost).
    // `-- --medians FILE` prints the median of each numeric column (ColumnMedians; used by run-training-benchmark.sh).
    public static void Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--open-cost") OpenCost.Run(args[1]);
        else if (args.Length == 2 && args[0] == "--medians") ColumnMedians.Run(args[1]);
        else if (args.Length >= 2 && args[0] == "--store-ratios") StoreThroughputRatios.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 15);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
