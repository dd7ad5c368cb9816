using System.Globalization;
using System.Text;

namespace CultureNet.Engine.IO;

/// <summary>
/// The dictionary of a .npy header, parsed as NumPy's <c>format._read_array_header</c> does: the text is a Python
/// literal (<c>ast.literal_eval</c>) of a dict with exactly the keys <c>descr</c> (a string), <c>fortran_order</c>
/// (True/False) and <c>shape</c> (a tuple of ints). This is a small recursive-descent parser of that grammar —
/// strings in single or double quotes with escapes and implicit concatenation, <c>True</c>/<c>False</c>, integers
/// (with <c>_</c> separators and, in format 1.0/2.0 files written by Python 2, an <c>L</c> suffix, which NumPy's
/// <c>_filter_header</c> strips), tuples, and whitespace — so anything NumPy refuses is refused here, with the
/// character position. Stricter than NumPy where NumPy's acceptance is an accident: duplicate keys, negative or boolean
/// dimensions and comments are rejected; the text after the dict may only be the space padding and the newline that
/// the format prescribes.
/// </summary>
public sealed class NpyHeaderDict
{
    /// <summary>numpy.lib.format._MAX_HEADER_SIZE: longer headers need allow_pickle in NumPy; we refuse them.</summary>
    public const int MaxHeaderChars = 10_000;

    public required string Descr { get; init; }
    public required bool FortranOrder { get; init; }
    public required long[] Shape { get; init; }

    /// <summary>Parses <paramref name="text"/> (already decoded); <paramref name="source"/> and the version name errors.</summary>
    public static NpyHeaderDict Parse(string text, int majorVersion, string source)
    {
        if (text.Length > MaxHeaderChars)
            throw new CultureNetException($"{source}: .npy header is {text.Length} characters; NumPy reads at most {MaxHeaderChars}");
        var parser = new Parser(text, majorVersion <= 2, source);
        return parser.ParseHeader();
    }

    private sealed class Parser(string text, bool allowLongSuffix, string source)
    {
        private int _pos;

        public NpyHeaderDict ParseHeader()
        {
            SkipSpace();
            Expect('{');
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            var seen = new List<string>();
            SkipSpace();
            while (Peek() != '}')
            {
                int keyAt = _pos;
                if (Peek() is not ('\'' or '"'))
                    throw Error(keyAt, "expected a quoted key ('descr', 'fortran_order' or 'shape')");
                string key = ParseString();
                if (seen.Contains(key)) throw Error(keyAt, $"key '{key}' appears twice");
                seen.Add(key);
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        if (Peek() is not ('\'' or '"'))
                            throw Error(_pos, Peek() == '['
                                ? "descr is a list (a structured dtype); only plain numeric arrays are supported"
                                : "descr must be a quoted dtype string such as '<f4'");
                        descr = ParseString();
                        break;
                    case "fortran_order":
                        fortran = ParseBool();
                        break;
                    case "shape":
                        shape = ParseShape();
                        break;
                    default:
                        throw Error(keyAt, $"unexpected key '{key}'; a .npy header has exactly 'descr', 'fortran_order' and 'shape'");
                }
                SkipSpace();
                if (Peek() == ',') { _pos++; SkipSpace(); }
                else if (Peek() != '}') throw Error(_pos, "expected ',' or '}' after a value");
            }
            _pos++; // '}'
            var missing = new[] { "descr", "fortran_order", "shape" }.Where(k => !seen.Contains(k)).ToArray();
            if (missing.Length > 0)
                throw new CultureNetException($"{source}: malformed .npy header: missing key(s) {string.Join(", ", missing.Select(k => $"'{k}'"))}");
            CheckPadding();
            return new NpyHeaderDict { Descr = descr!, FortranOrder = fortran!.Value, Shape = shape! };
        }

        /// <summary>After the dict: spaces, then the terminating newline (numpy/lib/format.py); nothing else.</summary>
        private void CheckPadding()
        {
            if (text.Length == 0 || text[^1] != '\n')
                throw Error(text.Length, "the header must end with a newline");
            for (int i = _pos; i < text.Length - 1; i++)
                if (text[i] != ' ')
                    throw Error(i, $"unexpected {Describe(text[i])} after the dict (only space padding may follow it)");
        }

        private bool ParseBool()
        {
            int at = _pos;
            string word = Word();
            return word switch
            {
                "True" => true,
                "False" => false,
                _ => throw Error(at, $"fortran_order must be True or False, found {(word.Length > 0 ? word : Describe(Peek()))}"),
            };
        }

        private long[] ParseShape()
        {
            int at = _pos;
            if (Peek() != '(') throw Error(at, "shape must be a tuple such as (64, 512) or (64,)");
            _pos++;
            var dims = new List<long>();
            bool sawComma = false;
            SkipSpace();
            while (Peek() != ')')
            {
                int dimAt = _pos;
                dims.Add(ParseDimension(dimAt));
                SkipSpace();
                if (Peek() == ',') { _pos++; sawComma = true; SkipSpace(); }
                else if (Peek() != ')') throw Error(_pos, "expected ',' or ')' in the shape");
                if (dims.Count > 64) throw Error(dimAt, "shape has more than 64 dimensions");
            }
            _pos++; // ')'
            // "(5)" is the integer 5 in Python, not a tuple: NumPy refuses it.
            if (dims.Count == 1 && !sawComma) throw Error(at, "shape (n) is an integer, not a tuple; a 1-D shape is written (n,)");
            return dims.ToArray();
        }

        private long ParseDimension(int at)
        {
            if (Peek() == '+') _pos++;
            if (Peek() == '-') throw Error(at, "a dimension is negative");
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            string digits = text[start.._pos];
            if (digits.Length == 0)
            {
                string word = Word();
                throw Error(at, word is "True" or "False" ? $"a dimension is {word}, not an integer" : "expected an integer dimension");
            }
            if (digits.StartsWith('_') || digits.EndsWith('_') || digits.Contains("__") || (digits.Length > 1 && digits[0] == '0' && digits.Any(c => c != '0' && c != '_')))
                throw Error(start, $"'{digits}' is not a Python integer literal");
            if (allowLongSuffix && Peek() is 'L' or 'l') _pos++;
            if (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '.'))
                throw Error(_pos, "a dimension must be a whole number");
            if (!long.TryParse(digits.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                throw Error(start, $"dimension {digits} is too large");
            return value;
        }

        /// <summary>A Python string literal (one or more adjacent ones, concatenated); prefixes (b'', r'') are refused.</summary>
        private string ParseString()
        {
            var sb = new StringBuilder();
            do
            {
                char quote = text[_pos];
                int start = _pos++;
                while (true)
                {
                    if (_pos >= text.Length || text[_pos] == '\n') throw Error(start, "a string is not closed");
                    char c = text[_pos++];
                    if (c == quote) break;
                    if (c != '\\') { sb.Append(c); continue; }
                    if (_pos >= text.Length) throw Error(start, "a string is not closed");
                    char e = text[_pos++];
                    switch (e)
                    {
                        case '\\': case '\'': case '"': sb.Append(e); break;
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case '0': sb.Append('\0'); break;
                        case 'x':
                            if (_pos + 2 > text.Length || !int.TryParse(text.AsSpan(_pos, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                                throw Error(_pos - 2, "bad \\x escape in a string");
                            sb.Append((char)code);
                            _pos += 2;
                            break;
                        case '\n': break; // line continuation inside a string
                        default: sb.Append('\\').Append(e); break; // Python keeps unknown escapes verbatim
                    }
                }
                SkipSpace();
            } while (Peek() is '\'' or '"');
            return sb.ToString();
        }

        private string Word()
        {
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
            return text[start.._pos];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r' or '\f') _pos++;
            if (Peek() == '#') throw Error(_pos, "comments are not allowed in a .npy header");
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c) throw Error(_pos, $"expected '{c}', found {Describe(Peek())}");
            _pos++;
        }

        private string Describe(char c) => c switch
        {
            '\0' when _pos >= text.Length => "the end of the header",
            < ' ' or > '~' => $"character U+{(int)c:X4}",
            _ => $"'{c}'",
        };

        private CultureNetException Error(int at, string what)
        {
            int from = Math.Max(0, at - 20), to = Math.Min(text.Length, at + 20);
            string context = new(text[from..to].Select(ch => ch is >= ' ' and <= '~' ? ch : '?').ToArray());
            return new CultureNetException($"{source}: malformed .npy header at character {at}: {what} (near \"{context}\")");
        }
    }
}
