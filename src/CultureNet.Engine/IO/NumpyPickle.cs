using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Razorvine.Pickle;

namespace CultureNet.Engine.IO;

/// <summary>
/// Reads a 2-D float32/float64 NumPy array from a pickle, as <c>pickle.dump(array, f)</c> writes it — what the
/// CultureNet reference code loads from data_0.pkl / data_1.pkl. Protocols 0–5 from numpy 1.x and 2.x
/// (<c>numpy.core.*</c> and <c>numpy._core.*</c>), Python 2 pickles (str payloads, as <c>encoding='latin1'</c>
/// reads them), C and Fortran order, in-band protocol 5 buffers.
/// Nothing is unpickled until <see cref="PickleScan"/> has checked every opcode: a pickle naming any global but the
/// few numpy uses for an array is refused with the global's name, so no code a file names ever runs. The whole file
/// is read into memory (Razorvine needs it whole; every length is bounded by it), then the array's bytes once more.
/// </summary>
public static class NumpyPickle
{
    private static readonly HashSet<string> AllowedGlobals =
    [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
        "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
        "numpy.ndarray", "numpy.dtype",
        "_codecs.encode", // how Python 3 writes bytes at protocols 0-2: _codecs.encode(text, 'latin1')
    ];

    static NumpyPickle()
    {
        // Razorvine's constructor table is process-wide; these entries replace its defaults only for these names,
        // and PickleScan has already refused every other global before Razorvine sees a pickle.
        var reconstruct = new Constructor(args => ReconstructArgs(args));
        var scalar = new Constructor(args => new PickledScalar());
        var frombuffer = new Constructor(FromBuffer);
        foreach (var core in new[] { "numpy.core", "numpy._core" })
        {
            Unpickler.registerConstructor($"{core}.multiarray", "_reconstruct", reconstruct);
            Unpickler.registerConstructor($"{core}.multiarray", "scalar", scalar);
            Unpickler.registerConstructor($"{core}.numeric", "_frombuffer", frombuffer);
        }
        Unpickler.registerConstructor("numpy", "ndarray", NdarrayClass.Instance);
        Unpickler.registerConstructor("numpy", "dtype", new Constructor(args => new PickledDType(Arg<string>(args, 0, "dtype"))));
        Unpickler.registerConstructor("_codecs", "encode", new Constructor(Encode));
    }

    /// <summary>Reads the matrix; every failure is a <see cref="CultureNetException"/> naming <paramref name="path"/>.</summary>
    public static PickledMatrix ReadMatrix(string path)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        long length = new FileInfo(path).Length;
        if (length == 0) throw new CultureNetException($"{path}: file is empty; expected a pickled NumPy array");
        if (length > Array.MaxLength)
            throw new CultureNetException($"{path}: {length} bytes; pickles over {Array.MaxLength} bytes cannot be read whole — save the array with np.save and import the .npy");
        var bytes = File.ReadAllBytes(path);
        PickleScan.Check(bytes, path, AllowedGlobals);

        object result;
        try
        {
            using var unpickler = new Unpickler();
            result = unpickler.loads(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            for (var inner = e; inner is not null; inner = inner.InnerException)
                if (inner is CultureNetException clear) throw new CultureNetException($"{path}: {clear.Message}", e);
            throw new CultureNetException($"{path}: malformed pickle ({e.GetType().Name}: {e.Message})", e);
        }
        return result switch
        {
            PickledArray array => WithSource(path, () => array.ToMatrix(path)),
            PickledScalar => throw new CultureNetException($"{path}: holds a numpy scalar; expected a 2-D array with columns [culture, child, frame, f1 … fD, label]"),
            _ => throw new CultureNetException($"{path}: holds a {Describe(result)}; expected one pickled 2-D numpy array (as the reference's data_0.pkl)"),
        };
    }

    private static T WithSource<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (CultureNetException e) { throw new CultureNetException($"{path}: {e.Message}", e); }
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        object[] => "tuple",
        System.Collections.ArrayList => "list",
        System.Collections.Hashtable => "dict",
        string => "str",
        byte[] => "bytes",
        _ => value.GetType().Name,
    };

    private static T Arg<T>(object[] args, int index, string function) =>
        args.Length > index && args[index] is T value
            ? value
            : throw new CultureNetException($"{function}() argument {index + 1} is {(args.Length > index ? Describe(args[index]) : "missing")}, not what numpy writes");

    private static object ReconstructArgs(object[] args)
    {
        if (args.Length != 3 || !ReferenceEquals(args[0], NdarrayClass.Instance))
            throw new CultureNetException("_reconstruct() is not called with numpy.ndarray as numpy writes it");
        return new PickledArray();
    }

    private static object FromBuffer(object[] args)
    {
        // numpy's protocol-5 path: _frombuffer(buffer, dtype, shape, order) == frombuffer(buffer, dtype).reshape(shape, order=order)
        var array = new PickledArray
        {
            Data = Arg<byte[]>(args, 0, "_frombuffer"),
            DType = Arg<PickledDType>(args, 1, "_frombuffer"),
            Shape = Shape(Arg<object[]>(args, 2, "_frombuffer")),
            Fortran = Arg<string>(args, 3, "_frombuffer") switch
            {
                "C" => false,
                "F" => true,
                var other => throw new CultureNetException($"_frombuffer() order '{other}'; expected 'C' or 'F'"),
            },
        };
        return array;
    }

    private static object Encode(object[] args)
    {
        string text = Arg<string>(args, 0, "_codecs.encode");
        string encoding = Arg<string>(args, 1, "_codecs.encode");
        if (encoding.ToLowerInvariant() is not ("latin1" or "latin-1" or "iso-8859-1" or "iso8859-1"))
            throw new CultureNetException($"_codecs.encode() with encoding '{encoding}'; numpy's pickles use 'latin1'");
        return Latin1(text);
    }

    internal static byte[] Latin1(string text)
    {
        foreach (char c in text)
            if (c > 0xFF) throw new CultureNetException("array bytes given as text with characters beyond latin-1");
        return Encoding.Latin1.GetBytes(text);
    }

    internal static long[] Shape(object[] dims) => dims.Select(d => d switch
    {
        int i when i >= 0 => (long)i,
        long l when l >= 0 => l,
        BigInteger b when b >= 0 && b <= long.MaxValue => (long)b,
        _ => throw new CultureNetException($"array shape ({string.Join(", ", dims)}) has a dimension that is not a non-negative integer"),
    }).ToArray();

    internal static bool Flag(object value) => value switch
    {
        bool b => b,
        int i => i != 0,
        long l => l != 0,
        _ => throw new CultureNetException($"array flag {value} is not a boolean"),
    };

    private sealed class Constructor(Func<object[], object> make) : IObjectConstructor
    {
        public object construct(object[] args) => make(args);
    }

    /// <summary>The class numpy.ndarray as an argument of _reconstruct; calling it is not something numpy writes.</summary>
    private sealed class NdarrayClass : IObjectConstructor
    {
        public static readonly NdarrayClass Instance = new();
        public object construct(object[] args) => throw new CultureNetException("numpy.ndarray is called directly, which numpy's own pickles never do");
    }
}

/// <summary>A numpy.dtype while it is unpickled: dtype(descr, align, copy), then __setstate__(state).</summary>
internal sealed class PickledDType(string descr)
{
    public string Descr { get; } = descr;
    public char ByteOrder { get; private set; } = '|';

    // Called by Razorvine's BUILD; public because it is found by reflection.
    public void __setstate__(object[] state)
    {
        // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
        if (state.Length < 8 || state[1] is not string order || order.Length != 1)
            throw new CultureNetException($"dtype '{Descr}' has a state numpy does not write");
        if (state[2] is not null || state[3] is not null || state[4] is not null)
            throw new CultureNetException($"dtype '{Descr}' is a structured or subarray dtype; expected float32 or float64");
        ByteOrder = order[0];
    }

    /// <summary>8 for float64, 4 for float32; anything else is refused naming the dtype.</summary>
    public int FloatSize()
    {
        int size = Descr switch { "f8" => 8, "f4" => 4, _ => 0 };
        if (size == 0)
            throw new CultureNetException($"array dtype is '{Descr}'; expected float32 ('f4') or float64 ('f8')");
        if (ByteOrder == '>')
            throw new CultureNetException($"array dtype is big-endian '>{Descr}'; convert it with a.astype('<{Descr}') before pickling");
        return size;
    }
}

/// <summary>A numpy scalar (numpy.core.multiarray.scalar); recognised only to say it is not a matrix.</summary>
internal sealed class PickledScalar;

/// <summary>An ndarray while it is unpickled: _reconstruct(...) then __setstate__, or _frombuffer(...) directly.</summary>
internal sealed class PickledArray
{
    public long[] Shape { get; set; } = [];
    public PickledDType? DType { get; set; }
    public bool Fortran { get; set; }
    public byte[]? Data { get; set; }

    // Called by Razorvine's BUILD; public because it is found by reflection.
    public void __setstate__(object[] state)
    {
        // (version, shape, dtype, is_fortran, rawdata); numpy also reads the older form without the version.
        int o = state.Length switch
        {
            5 => 1,
            4 => 0,
            _ => throw new CultureNetException($"ndarray state has {state.Length} items; expected numpy's (version, shape, dtype, is_fortran, data)"),
        };
        Shape = NumpyPickle.Shape(state[o] as object[] ?? throw new CultureNetException("ndarray shape is not a tuple"));
        DType = state[o + 1] as PickledDType ?? throw new CultureNetException("ndarray dtype is not a numpy.dtype");
        Fortran = NumpyPickle.Flag(state[o + 2]);
        Data = state[o + 3] switch
        {
            byte[] bytes => bytes,
            string text => NumpyPickle.Latin1(text), // Python 2's str, read as numpy's loader does with encoding='latin1'
            _ => null, // an object array's list of items: refused by its dtype in ToMatrix
        };
    }

    /// <summary>Checks dtype, rank and size; messages leave the file name to the caller.</summary>
    public PickledMatrix ToMatrix(string source)
    {
        if (DType is null) throw new CultureNetException("an ndarray without its state (no BUILD)");
        int size = DType.FloatSize();
        if (Data is null) throw new CultureNetException("ndarray data are not raw bytes; expected float32 or float64 data");
        string shape = $"({string.Join(", ", Shape)})";
        if (Shape.Length != 2)
            throw new CultureNetException($"array of shape {shape}; expected a 2-D matrix with columns [culture, child, frame, f1 … fD, label]");
        // The shape is only trusted once it matches the bytes the file actually holds; nothing is allocated from it.
        var declared = (BigInteger)Shape[0] * Shape[1] * size;
        if (declared != Data.Length)
            throw new CultureNetException($"the array declares shape {shape} '{DType.Descr}' = {declared} bytes but holds {Data.Length}");
        return new PickledMatrix(source, Shape[0], Shape[1], size == 8, Fortran, Data);
    }
}

/// <summary>A pickled 2-D float matrix, read row chunks at a time (Fortran-ordered data is transposed on the fly).</summary>
public sealed class PickledMatrix
{
    private readonly byte[] _data;

    internal PickledMatrix(string source, long rows, long columns, bool isFloat64, bool fortranOrder, byte[] data)
    {
        Source = source;
        Rows = rows;
        Columns = columns;
        IsFloat64 = isFloat64;
        FortranOrder = fortranOrder;
        _data = data;
    }

    public string Source { get; }
    public long Rows { get; }
    public long Columns { get; }
    public bool IsFloat64 { get; }
    public bool FortranOrder { get; }

    /// <summary>Copies rows [first, first + count) into <paramref name="destination"/>, row-major.</summary>
    public void CopyRows(long first, int count, Span<double> destination)
    {
        int size = IsFloat64 ? 8 : 4;
        for (int r = 0; r < count; r++)
            for (long c = 0; c < Columns; c++)
            {
                long index = FortranOrder ? c * Rows + first + r : (first + r) * Columns + c;
                var bytes = _data.AsSpan(checked((int)(index * size)), size);
                destination[checked((int)(r * Columns + c))] = IsFloat64
                    ? BinaryPrimitives.ReadDoubleLittleEndian(bytes)
                    : BinaryPrimitives.ReadSingleLittleEndian(bytes);
            }
    }
}
