using CultureNet.Engine.Data;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Models;

/// <summary>A feature store's rows as the training engine's matrix: zero-copy for float32 stores, widened once in
/// memory for float16 ones. The store's writer rejects non-finite values, so the matrix is marked finite.</summary>
public static class StoreFeatures
{
    public static unsafe Matrix AsMatrix(FeatureStore store)
    {
        if (store.DType == FeatureDType.Float32)
            return Matrix.FromPointer(store.FeaturePointer, store.RowCount, store.Dim, store, knownFinite: true);
        var widened = new float[checked(store.RowCount * store.Dim)];
        const int chunk = 4096;
        for (long start = 0; start < store.RowCount; start += chunk)
        {
            int rows = (int)Math.Min(chunk, store.RowCount - start);
            var indices = new long[rows];
            for (int i = 0; i < rows; i++) indices[i] = start + i;
            store.GatherRows(indices, widened.AsSpan(checked((int)(start * store.Dim)), rows * store.Dim));
        }
        return new Matrix(widened, store.RowCount, store.Dim);
    }
}
