namespace CultureNet.Engine.Extraction;

/// <summary>
/// Rewrites an ONNX model so its graph inputs and outputs have a symbolic batch dimension ("N") instead of a fixed 1.
/// Models exported with batch 1 (the built-in ML.NET/CNTK ResNet-18 declares [1, 3, 224, 224]) otherwise run one image
/// per call. Only the declared shapes change: graph inputs that are initializers (weights, listed as inputs by old IR
/// versions) keep theirs, and the optional intermediate shape annotations (value_info) are dropped so ONNX Runtime
/// infers them again. Whether the graph really batches (no Reshape to a hard-coded [1, …]) is checked by
/// <see cref="OnnxBackbone"/> with a probe run. A minimal protobuf walker: no ONNX library is needed.
/// </summary>
public static class OnnxBatchPatcher
{
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    private const int TensorName = 8;
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1, TensorTypeShape = 2, ShapeDim = 1, DimValue = 1;

    /// <summary>Returns the patched model, or null when no graph input or output had a fixed batch dimension of 1.</summary>
    public static byte[]? RelaxBatchDimension(byte[] model)
    {
        bool changed = false;
        byte[] result = Rewrite(model, (field, payload) =>
        {
            if (field != ModelGraph) return payload;
            var initializers = new HashSet<string>();
            foreach (var (f, _, v) in Fields(payload))
                if (f == GraphInitializer)
                    foreach (var (tf, _, tv) in Fields(v))
                        if (tf == TensorName) initializers.Add(System.Text.Encoding.UTF8.GetString(tv));
            return Rewrite(payload, (gf, gv) =>
            {
                if (gf == GraphValueInfo) { changed = true; return null; }
                if (gf != GraphInput && gf != GraphOutput) return gv;
                string? name = null;
                foreach (var (f, _, v) in Fields(gv))
                    if (f == ValueInfoName) name = System.Text.Encoding.UTF8.GetString(v);
                if (gf == GraphInput && name is not null && initializers.Contains(name)) return gv;
                return Rewrite(gv, (vf, vv) => vf != ValueInfoType ? vv :
                    Rewrite(vv, (tf, tv) => tf != TypeTensor ? tv :
                        Rewrite(tv, (sf, sv) => sf != TensorTypeShape ? sv : PatchFirstDim(sv, ref changed))));
            });
        });
        return changed ? result : null;
    }

    private static byte[] PatchFirstDim(byte[] shape, ref bool changed)
    {
        bool first = true, did = false;
        var output = Rewrite(shape, (f, dim) =>
        {
            if (f != ShapeDim || !first) return dim;
            first = false;
            foreach (var (df, wire, _) in Fields(dim))
                if (df == DimValue && wire == 0 && ReadDimValue(dim) == 1)
                {
                    did = true;
                    var w = new MemoryStream();
                    WriteKey(w, 2, 2);           // dim_param = "N"
                    WriteVarint(w, 1);
                    w.WriteByte((byte)'N');
                    return w.ToArray();
                }
            return dim;
        });
        changed |= did;
        return output;
    }

    private static ulong ReadDimValue(byte[] dim)
    {
        int i = 0;
        while (i < dim.Length)
        {
            ulong key = ReadVarint(dim, ref i);
            int f = (int)(key >> 3), wire = (int)(key & 7);
            if (f == DimValue && wire == 0) return ReadVarint(dim, ref i);
            Skip(dim, ref i, wire);
        }
        return 0;
    }

    /// <summary>Copies a message, replacing the payload of length-delimited fields by <paramref name="map"/> (null drops the field).</summary>
    private static byte[] Rewrite(byte[] message, Func<int, byte[], byte[]?> map)
    {
        var w = new MemoryStream(message.Length);
        int i = 0;
        while (i < message.Length)
        {
            int start = i;
            ulong key = ReadVarint(message, ref i);
            int f = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 2)
            {
                int len = checked((int)ReadVarint(message, ref i));
                var payload = message.AsSpan(i, len).ToArray();
                i += len;
                var mapped = map(f, payload);
                if (mapped is null) continue;
                if (ReferenceEquals(mapped, payload)) { w.Write(message, start, i - start); continue; }
                WriteKey(w, f, 2);
                WriteVarint(w, (ulong)mapped.Length);
                w.Write(mapped);
            }
            else
            {
                Skip(message, ref i, wire);
                w.Write(message, start, i - start);
            }
        }
        return w.ToArray();
    }

    private static IEnumerable<(int Field, int Wire, byte[] Payload)> Fields(byte[] message)
    {
        int i = 0;
        var list = new List<(int, int, byte[])>();
        while (i < message.Length)
        {
            ulong key = ReadVarint(message, ref i);
            int f = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 2)
            {
                int len = checked((int)ReadVarint(message, ref i));
                list.Add((f, wire, message.AsSpan(i, len).ToArray()));
                i += len;
            }
            else
            {
                Skip(message, ref i, wire);
                list.Add((f, wire, []));
            }
        }
        return list;
    }

    private static void Skip(byte[] b, ref int i, int wire)
    {
        switch (wire)
        {
            case 0: ReadVarint(b, ref i); break;
            case 1: i += 8; break;
            case 2: { int len = checked((int)ReadVarint(b, ref i)); i += len; break; }
            case 5: i += 4; break;
            default: throw new InvalidDataException($"not an ONNX protobuf (wire type {wire} at byte {i})");
        }
        if (i > b.Length) throw new InvalidDataException("not an ONNX protobuf (a field runs past the end)");
    }

    private static ulong ReadVarint(byte[] b, ref int i)
    {
        ulong r = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= b.Length) throw new InvalidDataException("not an ONNX protobuf (truncated varint)");
            byte c = b[i++];
            r |= (ulong)(c & 0x7F) << shift;
            if (c < 0x80) return r;
        }
        throw new InvalidDataException("not an ONNX protobuf (varint too long)");
    }

    private static void WriteKey(Stream w, int field, int wire) => WriteVarint(w, (ulong)((field << 3) | wire));

    private static void WriteVarint(Stream w, ulong v)
    {
        while (v >= 0x80) { w.WriteByte((byte)(v | 0x80)); v >>= 7; }
        w.WriteByte((byte)v);
    }
}
