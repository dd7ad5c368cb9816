using CultureNet.Engine.Nn;
using NumSharp;

namespace CultureNet.Engine.IO;

/// <summary>
/// float32 matrices in NumPy .npy files (through NumSharp). Reading checks everything a user can get wrong and names
/// the file: missing, empty, not .npy, not float32, wrong number of dimensions, no rows, NaN or infinity (with row
/// and column). Writing is atomic.
/// </summary>
public static class NpyMatrix
{
    /// <summary>Loads an N×D matrix; with <paramref name="allowVector"/> an N-vector becomes N×1 (labels).</summary>
    public static Matrix Load(string path, bool allowVector = false)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        if (new FileInfo(path).Length == 0) throw new CultureNetException($"{path}: file is empty; expected a NumPy .npy array");
        NDArray array;
        try
        {
            array = np.load_npy(path);
        }
        catch (Exception e)
        {
            throw new CultureNetException($"{path}: not a readable NumPy .npy file ({e.Message})");
        }
        if (array.typecode != NPTypeCode.Single)
            throw new CultureNetException($"{path}: dtype is {Describe(array.typecode)}; expected float32 (convert with x.astype(np.float32))");
        var shape = array.shape;
        int cols;
        if (shape.Length == 2) cols = (int)shape[1];
        else if (shape.Length == 1 && allowVector) cols = 1;
        else
            throw new CultureNetException(
                $"{path}: has {shape.Length} dimensions ({string.Join("x", shape)}); expected {(allowVector ? "N or Nx1" : "a 2-D N x D matrix")}");
        long rows = shape[0];
        if (rows == 0 || cols == 0) throw new CultureNetException($"{path}: shape ({string.Join("x", shape)}) has no values");
        var matrix = new Matrix(array.ToArray<float>(), rows, cols);
        matrix.EnsureFinite(path);
        return matrix;
    }

    public static void Save(string path, float[] values, long rows, int cols)
    {
        var array = cols == 1 ? np.array(values) : np.array(values).reshape(rows, cols);
        AtomicFile.Write(path, stream => np.save(stream, array));
    }

    private static string Describe(NPTypeCode code) => code switch
    {
        NPTypeCode.Double => "float64",
        NPTypeCode.Int32 => "int32",
        NPTypeCode.Int64 => "int64",
        NPTypeCode.Half => "float16",
        _ => code.ToString(),
    };
}
