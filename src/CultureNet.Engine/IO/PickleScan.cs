using System.Buffers.Binary;
using System.Text;

namespace CultureNet.Engine.IO;

/// <summary>
/// Walks a pickle's opcodes before anything unpickles it, so that a file naming a global outside
/// <paramref name="allowed"/> is refused without running anything — unpickling a global means calling it.
/// It follows the unpickler's stack and memo just far enough to know which strings protocol 4's STACK_GLOBAL
/// names (numpy's pickles fetch "numpy" back from the memo), and fails closed where it cannot tell. Every length
/// an opcode declares is checked against the bytes that remain, so nothing later allocates more than the file holds.
/// Opcodes numpy never writes for an ndarray that could reach other code or data (persistent ids, the copyreg
/// extension registry, INST/OBJ class calls, out-of-band buffers) are refused.
/// </summary>
internal static class PickleScan
{
    private static readonly object Mark = new();
    private static readonly object Opaque = new();

    /// <summary>Returns the protocol the pickle declares (0 when it has no PROTO opcode).</summary>
    public static int Check(ReadOnlySpan<byte> data, string source, IReadOnlySet<string> allowed)
    {
        var stack = new List<object>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object>();
        int protocol = 0;
        int pos = 0;

        while (true)
        {
            if (pos >= data.Length)
                throw Fail(source, pos, "truncated: the data end before the pickle's STOP opcode");
            int at = pos;
            byte op = data[pos++];
            switch (op)
            {
                case (byte)'.': // STOP
                    if (stack.Count == 0) throw Fail(source, at, "STOP with nothing on the stack");
                    return protocol;
                case 0x80: // PROTO
                    protocol = Take(data, ref pos, 1, source, "PROTO")[0];
                    if (protocol > 5) throw Fail(source, at, $"pickle protocol {protocol}; protocols 0-5 are supported");
                    break;
                case 0x95: // FRAME: a length prefix only; the opcodes inside are checked as they come
                    Length(data, ref pos, 8, source, "FRAME");
                    break;

                case (byte)'(': marks.Push(stack.Count); stack.Add(Mark); break;
                case (byte)'0': Pop(stack, 1, source, at); break;                       // POP
                case (byte)'1': PopToMark(stack, marks, source, at); break;            // POP_MARK
                case (byte)'2': stack.Add(Peek(stack, source, at)); break;             // DUP

                case (byte)'N' or 0x88 or 0x89: stack.Add(Opaque); break;               // NONE, NEWTRUE, NEWFALSE
                case (byte)'I' or (byte)'L' or (byte)'F':                               // INT, LONG, FLOAT (text)
                    Line(data, ref pos, source, "number"); stack.Add(Opaque); break;
                case (byte)'K': Take(data, ref pos, 1, source, "BININT1"); stack.Add(Opaque); break;
                case (byte)'M': Take(data, ref pos, 2, source, "BININT2"); stack.Add(Opaque); break;
                case (byte)'J': Take(data, ref pos, 4, source, "BININT"); stack.Add(Opaque); break;
                case (byte)'G': Take(data, ref pos, 8, source, "BINFLOAT"); stack.Add(Opaque); break;
                case 0x8a: Skip(data, ref pos, Length(data, ref pos, 1, source, "LONG1"), source, "LONG1"); stack.Add(Opaque); break;
                case 0x8b: Skip(data, ref pos, Length(data, ref pos, 4, source, "LONG4"), source, "LONG4"); stack.Add(Opaque); break;

                // Text whose value matters only as a STACK_GLOBAL operand: protocol 4 writes names as SHORT_BINUNICODE.
                case (byte)'X': stack.Add(Utf8(Take(data, ref pos, Length(data, ref pos, 4, source, "BINUNICODE"), source, "BINUNICODE"))); break;
                case 0x8c: stack.Add(Utf8(Take(data, ref pos, Length(data, ref pos, 1, source, "SHORT_BINUNICODE"), source, "SHORT_BINUNICODE"))); break;
                case 0x8d: Skip(data, ref pos, Length(data, ref pos, 8, source, "BINUNICODE8"), source, "BINUNICODE8"); stack.Add(Opaque); break;
                case (byte)'S' or (byte)'V': Line(data, ref pos, source, "STRING/UNICODE"); stack.Add(Opaque); break;
                case (byte)'T': Skip(data, ref pos, Length(data, ref pos, 4, source, "BINSTRING"), source, "BINSTRING"); stack.Add(Opaque); break;
                case (byte)'U': Skip(data, ref pos, Length(data, ref pos, 1, source, "SHORT_BINSTRING"), source, "SHORT_BINSTRING"); stack.Add(Opaque); break;
                case (byte)'B': Skip(data, ref pos, Length(data, ref pos, 4, source, "BINBYTES"), source, "BINBYTES"); stack.Add(Opaque); break;
                case (byte)'C': Skip(data, ref pos, Length(data, ref pos, 1, source, "SHORT_BINBYTES"), source, "SHORT_BINBYTES"); stack.Add(Opaque); break;
                case 0x8e: Skip(data, ref pos, Length(data, ref pos, 8, source, "BINBYTES8"), source, "BINBYTES8"); stack.Add(Opaque); break;
                case 0x96: Skip(data, ref pos, Length(data, ref pos, 8, source, "BYTEARRAY8"), source, "BYTEARRAY8"); stack.Add(Opaque); break;
                case 0x98: Peek(stack, source, at); break; // READONLY_BUFFER
                case 0x97: throw Fail(source, at, "the pickle refers to an out-of-band buffer (NEXT_BUFFER), which a file cannot carry; pickle without buffer_callback");

                case (byte)']' or (byte)'}' or (byte)')' or 0x8f: stack.Add(Opaque); break; // EMPTY_LIST/DICT/TUPLE/SET
                case (byte)'l' or (byte)'t' or (byte)'d' or 0x91:                           // LIST, TUPLE, DICT, FROZENSET
                    PopToMark(stack, marks, source, at); stack.Add(Opaque); break;
                case 0x85: Pop(stack, 1, source, at); stack.Add(Opaque); break;           // TUPLE1
                case 0x86: Pop(stack, 2, source, at); stack.Add(Opaque); break;           // TUPLE2
                case 0x87: Pop(stack, 3, source, at); stack.Add(Opaque); break;           // TUPLE3
                case (byte)'a': Pop(stack, 1, source, at); Peek(stack, source, at); break; // APPEND
                case (byte)'s': Pop(stack, 2, source, at); Peek(stack, source, at); break; // SETITEM
                case (byte)'e' or (byte)'u' or 0x90:                                        // APPENDS, SETITEMS, ADDITEMS
                    PopToMark(stack, marks, source, at); Peek(stack, source, at); break;
                case (byte)'b': Pop(stack, 1, source, at); Peek(stack, source, at); break; // BUILD
                case (byte)'R' or 0x81: Pop(stack, 2, source, at); stack.Add(Opaque); break; // REDUCE, NEWOBJ
                case 0x92: Pop(stack, 3, source, at); stack.Add(Opaque); break;           // NEWOBJ_EX

                case (byte)'c': // GLOBAL "module\nname\n"
                {
                    string module = Latin1(Line(data, ref pos, source, "GLOBAL"));
                    string name = Latin1(Line(data, ref pos, source, "GLOBAL"));
                    Allow(module, name, allowed, source, at);
                    stack.Add(Opaque);
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var operands = Pop(stack, 2, source, at);
                    if (operands[0] is not string module || operands[1] is not string name)
                        throw Fail(source, at, "STACK_GLOBAL whose module and name are not plain strings");
                    Allow(module, name, allowed, source, at);
                    stack.Add(Opaque);
                    break;
                }

                case (byte)'p': memo[ParseIndex(Line(data, ref pos, source, "PUT"), source, at)] = Peek(stack, source, at); break;
                case (byte)'q': memo[Take(data, ref pos, 1, source, "BINPUT")[0]] = Peek(stack, source, at); break;
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref pos, 4, source, "LONG_BINPUT"))] = Peek(stack, source, at); break;
                case 0x94: memo[memo.Count] = Peek(stack, source, at); break; // MEMOIZE
                case (byte)'g': stack.Add(Recall(memo, ParseIndex(Line(data, ref pos, source, "GET"), source, at), source, at)); break;
                case (byte)'h': stack.Add(Recall(memo, Take(data, ref pos, 1, source, "BINGET")[0], source, at)); break;
                case (byte)'j': stack.Add(Recall(memo, BinaryPrimitives.ReadUInt32LittleEndian(Take(data, ref pos, 4, source, "LONG_BINGET")), source, at)); break;

                case (byte)'P' or (byte)'Q':
                    throw Fail(source, at, "the pickle uses persistent ids (PERSID/BINPERSID), which numpy arrays never need");
                case 0x82 or 0x83 or 0x84:
                    throw Fail(source, at, "the pickle uses the copyreg extension registry (EXT1/EXT2/EXT4), which can name any global");
                case (byte)'i' or (byte)'o':
                    throw Fail(source, at, "the pickle instantiates a class with INST/OBJ, which numpy arrays never need");
                default:
                    throw Fail(source, at, $"not a pickle: unknown opcode 0x{op:x2}");
            }
        }
    }

    private static void Allow(string module, string name, IReadOnlySet<string> allowed, string source, int at)
    {
        if (!IsDottedName(module) || !IsDottedName(name))
            throw Fail(source, at, "not a pickle (or a damaged one): a global whose module or name is not a Python identifier");
        string global = $"{module}.{name}";
        if (!allowed.Contains(global))
            throw new CultureNetException(
                $"{source}: the pickle names the global '{global}' (at byte {at}); refused without unpickling anything. " +
                $"Only what numpy writes for an array is accepted: {string.Join(", ", allowed.Order())}");
    }

    private static bool IsDottedName(string text) =>
        text.Length > 0 && text.All(c => c is '_' or '.' || char.IsAsciiLetterOrDigit(c));

    private static CultureNetException Fail(string source, int at, string what) =>
        new($"{source}: {what} (at byte {at})");

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int pos, long count, string source, string opcode)
    {
        if (count < 0 || count > data.Length - pos)
            throw Fail(source, pos, $"truncated: {opcode} declares {count} bytes but only {data.Length - pos} remain in the file");
        var slice = data.Slice(pos, (int)count);
        pos += (int)count;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int pos, long count, string source, string opcode) =>
        Take(data, ref pos, count, source, opcode);

    /// <summary>An unsigned little-endian length of 1, 4 or 8 bytes (LONG4 and BINSTRING's are signed; negative fails in Take).</summary>
    private static long Length(ReadOnlySpan<byte> data, ref int pos, int width, string source, string opcode)
    {
        var bytes = Take(data, ref pos, width, source, opcode);
        return width switch
        {
            1 => bytes[0],
            4 => opcode is "LONG4" or "BINSTRING" ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes) > long.MaxValue ? -1 : (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
    }

    private static ReadOnlySpan<byte> Line(ReadOnlySpan<byte> data, ref int pos, string source, string opcode)
    {
        int end = data[pos..].IndexOf((byte)'\n');
        if (end < 0) throw Fail(source, pos, $"truncated: {opcode} argument has no line end");
        var line = data.Slice(pos, end);
        pos += end + 1;
        return line;
    }

    private static long ParseIndex(ReadOnlySpan<byte> line, string source, int at) =>
        long.TryParse(Latin1(line), out var index) && index >= 0 ? index : throw Fail(source, at, "malformed memo index");

    private static object Recall(Dictionary<long, object> memo, long index, string source, int at) =>
        memo.TryGetValue(index, out var value) ? value : throw Fail(source, at, $"memo entry {index} is read before it is written");

    private static object Peek(List<object> stack, string source, int at) =>
        stack.Count > 0 && stack[^1] != Mark ? stack[^1] : throw Fail(source, at, "malformed: an opcode needs a value but the stack is empty");

    private static object[] Pop(List<object> stack, int count, string source, int at)
    {
        if (stack.Count < count || stack.Skip(stack.Count - count).Contains(Mark))
            throw Fail(source, at, "malformed: an opcode needs more values than the stack holds");
        var popped = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return popped;
    }

    private static void PopToMark(List<object> stack, Stack<int> marks, string source, int at)
    {
        if (marks.Count == 0) throw Fail(source, at, "malformed: no MARK to pop to");
        int mark = marks.Pop();
        stack.RemoveRange(mark, stack.Count - mark);
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
