using System.Text;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>
/// Writes tiny ONNX models by hand (protobuf), so tests can exercise layouts, fixed batches and bad outputs with models
/// whose output is known analytically (e.g. channel means), without an ONNX toolchain.
/// </summary>
internal static class TinyOnnx
{
    public sealed record Node(string Op, string[] Inputs, string[] Outputs, params (string Name, object Value)[] Attributes);

    /// <summary>dims: positive = fixed, negative/0 = symbolic "N".</summary>
    public static byte[] Model(IEnumerable<Node> nodes, (string Name, long[] Dims) input, IEnumerable<(string Name, long[] Dims)> outputs,
        IEnumerable<(string Name, long[] Int64Values)>? int64Initializers = null)
    {
        var graph = new MemoryStream();
        foreach (var n in nodes) Bytes(graph, 1, NodeProto(n));
        Str(graph, 2, "tiny");
        foreach (var (name, values) in int64Initializers ?? [])
        {
            var t = new MemoryStream();
            Varint(t, 1, (ulong)values.Length); // dims
            Varint(t, 2, 7);                      // INT64
            Str(t, 8, name);
            var raw = new byte[values.Length * 8];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
            Bytes(t, 9, raw);
            Bytes(graph, 5, t.ToArray());
        }
        Bytes(graph, 11, ValueInfo(input.Name, input.Dims));
        foreach (var o in outputs) Bytes(graph, 12, ValueInfo(o.Name, o.Dims));

        var model = new MemoryStream();
        Varint(model, 1, 7); // ir_version
        Str(model, 2, "culturenet-tests");
        Bytes(model, 7, graph.ToArray());
        var opset = new MemoryStream();
        Str(opset, 1, "");
        Varint(opset, 2, 13);
        Bytes(model, 8, opset.ToArray());
        return model.ToArray();
    }

    private static byte[] NodeProto(Node n)
    {
        var s = new MemoryStream();
        foreach (var i in n.Inputs) Str(s, 1, i);
        foreach (var o in n.Outputs) Str(s, 2, o);
        Str(s, 4, n.Op);
        foreach (var (name, value) in n.Attributes)
        {
            var a = new MemoryStream();
            Str(a, 1, name);
            switch (value)
            {
                case long[] ints:
                    foreach (var v in ints) Varint(a, 8, (ulong)v);
                    Varint(a, 20, 7); // INTS
                    break;
                case long i:
                    Varint(a, 3, (ulong)i);
                    Varint(a, 20, 2); // INT
                    break;
                default: throw new ArgumentException(name);
            }
            Bytes(s, 5, a.ToArray());
        }
        return s.ToArray();
    }

    private static byte[] ValueInfo(string name, long[] dims)
    {
        var shape = new MemoryStream();
        foreach (var d in dims)
        {
            var dim = new MemoryStream();
            if (d > 0) Varint(dim, 1, (ulong)d); else Str(dim, 2, "N");
            Bytes(shape, 1, dim.ToArray());
        }
        var tensor = new MemoryStream();
        Varint(tensor, 1, 1); // FLOAT
        Bytes(tensor, 2, shape.ToArray());
        var type = new MemoryStream();
        Bytes(type, 1, tensor.ToArray());
        var vi = new MemoryStream();
        Str(vi, 1, name);
        Bytes(vi, 2, type.ToArray());
        return vi.ToArray();
    }

    private static void Key(Stream s, int field, int wire) => Raw(s, (ulong)((field << 3) | wire));

    private static void Raw(Stream s, ulong v)
    {
        while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
        s.WriteByte((byte)v);
    }

    private static void Varint(Stream s, int field, ulong v) { Key(s, field, 0); Raw(s, v); }
    private static void Bytes(Stream s, int field, byte[] b) { Key(s, field, 2); Raw(s, (ulong)b.Length); s.Write(b); }
    private static void Str(Stream s, int field, string v) => Bytes(s, field, Encoding.UTF8.GetBytes(v));
}
