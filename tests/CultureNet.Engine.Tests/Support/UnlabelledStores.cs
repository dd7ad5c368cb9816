using CultureNet.Engine.Data;

namespace CultureNet.Engine.Tests.Support;

/// <summary>Tiny 3-D stores of one child (C0-1) whose rows carry the given labels; NaN marks an unlabelled row.</summary>
public static class UnlabelledStores
{
    public static string Write(string path, params float[] labels)
    {
        using var w = FeatureStoreWriter.Create(path, 3);
        for (int i = 0; i < labels.Length; i++) w.Append(0, 1, i, labels[i], [i, 1, 2]);
        w.Finish();
        return path;
    }
}
