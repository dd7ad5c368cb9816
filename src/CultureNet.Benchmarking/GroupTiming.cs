namespace CultureNet.Benchmarking;

/// <summary>
/// Timing a native probe that runs a given number of repetitions and returns their wall seconds
/// (cn_backend_time_gemm, cn_time_update_traffic): groups sized from a first short timing, so a fast call and a slow one
/// both get enough repetitions, and the best group kept, since load from other work only slows a timing down.
/// </summary>
public static class GroupTiming
{
    /// <summary>Repetitions in a group of about <paramref name="secondsPerGroup"/>, from a first timing of 4.</summary>
    public static int Repetitions(Func<int, double> time, double secondsPerGroup)
    {
        const int probe = 4;
        double seconds = time(probe);
        return (int)Math.Clamp(probe * secondsPerGroup / Math.Max(seconds, 1e-6), 4, 100_000);
    }

    /// <summary>Best seconds per repetition over <paramref name="groups"/> groups of about <paramref name="secondsPerGroup"/>.</summary>
    public static double BestPerRepetition(Func<int, double> time, int groups, double secondsPerGroup)
    {
        int repetitions = Repetitions(time, secondsPerGroup);
        double best = double.PositiveInfinity;
        for (int i = 0; i < groups; i++) best = Math.Min(best, time(repetitions) / repetitions);
        return best;
    }
}
