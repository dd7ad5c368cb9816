using BenchmarkDotNet.Running;

namespace CultureNet.Benchmarks;

public static class Program
{
    // `dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*'` runs every benchmark class.
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
