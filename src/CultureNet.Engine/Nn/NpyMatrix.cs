using CultureNet.Engine.IO;

namespace CultureNet.Engine.Nn;

/// <summary>
/// Whole float32 matrices from and to NumPy .npy files (over the streaming <see cref="NpyArrayReader"/> and
/// <see cref="NpyArrayWriter"/>). Reading checks everything a user can get wrong and names the file: missing, empty,
/// not .npy, truncated, not float32, wrong number of dimensions, no rows, NaN or infinity (with row and column).
/// Writing is atomic.
/// </summary>
public static class NpyMatrix
{
    /// <summary>Loads an N×D matrix; with <paramref name="allowVector"/> an N-vector becomes N×1 (labels).</summary>
    public static Matrix Load(string path, bool allowVector = false)
    {
        if (File.Exists(path) && new FileInfo(path).Length == 0)
            throw new CultureNetException($"{path}: file is empty; expected a NumPy .npy array");
        using var reader = NpyArrayReader.Open(path);
        var shape = reader.Header.Shape;
        if (reader.Element != NpyElement.Float32)
            throw new CultureNetException(
                $"{path}: dtype is {NpyFormat.Descr(reader.Element)} ({reader.Element.ToString().ToLowerInvariant()}); expected float32 (convert with x.astype(np.float32))");
        if (shape.Length != 2 && !(shape.Length == 1 && allowVector))
            throw new CultureNetException(
                $"{path}: has {shape.Length} dimensions ({string.Join("x", shape)}); expected {(allowVector ? "N or Nx1" : "a 2-D N x D matrix")}");
        if (reader.Rows == 0 || reader.Columns == 0)
            throw new CultureNetException($"{path}: shape ({string.Join("x", shape)}) has no values");
        if (reader.Rows * reader.Columns > Array.MaxLength)
            throw new CultureNetException($"{path}: shape ({string.Join("x", shape)}) holds more values than one array can ({Array.MaxLength})");
        var values = new float[reader.Rows * reader.Columns];
        reader.ReadRows(values, checked((int)reader.Rows));
        var matrix = new Matrix(values, reader.Rows, reader.Columns);
        matrix.EnsureFinite(path);
        return matrix;
    }

    /// <summary>Writes rows × cols values; a single column is written as a 1-D array (as Keras' predict().ravel()).</summary>
    public static void Save(string path, float[] values, long rows, int cols)
    {
        using var writer = new NpyArrayWriter(path, NpyElement.Float32, rows, cols == 1 ? 0 : cols);
        writer.WriteRows(values);
        writer.Finish();
    }
}
