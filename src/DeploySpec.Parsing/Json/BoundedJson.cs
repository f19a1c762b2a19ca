using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DeploySpec.Parsing.Json
{
    /// <summary>A parsed JSON value: object (ordinal keys), array, string, number, boolean or null.</summary>
    public sealed class JsonValue
    {
        private JsonValue(object? value) => Value = value;

        public object? Value { get; }

        public IReadOnlyDictionary<string, JsonValue>? AsObject => Value as Dictionary<string, JsonValue>;

        public IReadOnlyList<JsonValue>? AsArray => Value as List<JsonValue>;

        public string? AsString => Value as string;

        public double? AsNumber => Value is double d ? d : null;

        public bool? AsBoolean => Value is bool b ? b : null;

        public bool IsNull => Value is null;

        internal static JsonValue Of(object? value) => new(value);
    }

    /// <summary>A parse failure with its 1-based line and column.</summary>
    public sealed class JsonError
    {
        public JsonError(string message, int line, int column)
        {
            Message = message;
            Line = line;
            Column = column;
        }

        public string Message { get; }
        public int Line { get; }
        public int Column { get; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} (line {1}, column {2})", Message, Line, Column);
    }

    /// <summary>
    /// A small JSON reader (RFC 8259) with hard limits, for files read inside the compiler: at most
    /// <see cref="MaxCharacters"/> characters, <see cref="MaxDepth"/> levels of nesting and <see cref="MaxValues"/>
    /// values, so a huge or hostile file costs a bounded amount of work and never throws. Hand-written because an
    /// analyzer targeting netstandard2.0 cannot rely on System.Text.Json being loadable in every compiler host.
    /// </summary>
    public sealed class BoundedJson
    {
        public const int MaxCharacters = 4 * 1024 * 1024;
        public const int MaxDepth = 64;
        public const int MaxValues = 500_000;

        private readonly string _text;
        private readonly bool _nonFiniteLiterals;
        private int _position;
        private int _values;
        private JsonError? _error;

        private BoundedJson(string text, bool nonFiniteLiterals)
        {
            _text = text;
            _nonFiniteLiterals = nonFiniteLiterals;
        }

        /// <summary>Parses <paramref name="text"/>; on failure returns null and the first error.</summary>
        public static JsonValue? Parse(string text, out JsonError? error) => Parse(text, nonFiniteLiterals: false, "a model config", out error);

        /// <summary>
        /// Parses <paramref name="text"/>, naming <paramref name="subject"/> in the size error. With
        /// <paramref name="nonFiniteLiterals"/> the tokens <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> that Python's
        /// <c>json.dump</c> writes for non-finite floats are read as numbers (benchmark tools write them; RFC 8259 does not).
        /// </summary>
        public static JsonValue? Parse(string text, bool nonFiniteLiterals, string subject, out JsonError? error)
        {
            if (text.Length > MaxCharacters)
            {
                error = new JsonError(string.Format(CultureInfo.InvariantCulture,
                    "the file has {0:N0} characters, more than the {1:N0} {2} may have", text.Length, MaxCharacters, subject), 1, 1);
                return null;
            }

            var reader = new BoundedJson(text, nonFiniteLiterals);
            reader.SkipWhitespace();
            var value = reader.ReadValue(0);
            if (reader._error is null)
            {
                reader.SkipWhitespace();
                if (reader._position < text.Length)
                {
                    reader.Fail("unexpected text after the JSON value");
                }
            }

            error = reader._error;
            return error is null ? value : null;
        }

        private JsonValue? ReadValue(int depth)
        {
            if (_error is not null)
            {
                return null;
            }

            if (depth > MaxDepth)
            {
                return Fail("nesting deeper than " + MaxDepth + " levels");
            }

            if (++_values > MaxValues)
            {
                return Fail("more than " + MaxValues.ToString("N0", CultureInfo.InvariantCulture) + " values");
            }

            if (_position >= _text.Length)
            {
                return Fail("unexpected end of file");
            }

            char c = _text[_position];
            switch (c)
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString() is { } s ? JsonValue.Of(s) : null;
                case 't': return ReadLiteral("true", true);
                case 'f': return ReadLiteral("false", false);
                case 'n': return ReadLiteral("null", null);
                case 'N' when _nonFiniteLiterals: return ReadLiteral("NaN", double.NaN);
                case 'I' when _nonFiniteLiterals: return ReadLiteral("Infinity", double.PositiveInfinity);
                case '-' when _nonFiniteLiterals && Peek(_position + 1, 'I'): return ReadLiteral("-Infinity", double.NegativeInfinity);
                default:
                    return c == '-' || (c >= '0' && c <= '9') ? ReadNumber() : Fail("unexpected character '" + c + "'");
            }
        }

        private JsonValue? ReadObject(int depth)
        {
            var members = new Dictionary<string, JsonValue>(StringComparer.Ordinal);
            _position++;
            SkipWhitespace();
            if (Peek('}'))
            {
                _position++;
                return JsonValue.Of(members);
            }

            while (_error is null)
            {
                SkipWhitespace();
                if (!Peek('"'))
                {
                    return Fail("expected a quoted member name");
                }

                string? name = ReadString();
                SkipWhitespace();
                if (!Peek(':'))
                {
                    return Fail("expected ':' after member name");
                }

                _position++;
                SkipWhitespace();
                var value = ReadValue(depth + 1);
                if (value is null || name is null)
                {
                    return null;
                }

                members[name] = value;
                switch (Next('}'))
                {
                    case true:
                        continue;
                    case false:
                        return JsonValue.Of(members);
                    default:
                        return null;
                }
            }

            return null;
        }

        private JsonValue? ReadArray(int depth)
        {
            var items = new List<JsonValue>();
            _position++;
            SkipWhitespace();
            if (Peek(']'))
            {
                _position++;
                return JsonValue.Of(items);
            }

            while (_error is null)
            {
                SkipWhitespace();
                var value = ReadValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                items.Add(value);
                switch (Next(']'))
                {
                    case true:
                        continue;
                    case false:
                        return JsonValue.Of(items);
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>After a member or an item: ',' means another follows (true), <paramref name="close"/> ends the container (false), anything else is an error (null).</summary>
        private bool? Next(char close)
        {
            SkipWhitespace();
            if (Peek(',') || Peek(close))
            {
                return _text[_position++] == ',';
            }

            Fail("expected ',' or '" + close + "'");
            return null;
        }

        private string? ReadString()
        {
            var text = new StringBuilder();
            _position++; // opening quote
            while (_position < _text.Length)
            {
                char c = _text[_position++];
                if (c == '"')
                {
                    return text.ToString();
                }

                if (c < ' ')
                {
                    _position--;
                    Fail("control character in a string");
                    return null;
                }

                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }

                if (_position >= _text.Length)
                {
                    break;
                }

                char e = _text[_position++];
                switch (e)
                {
                    case '"': text.Append('"'); break;
                    case '\\': text.Append('\\'); break;
                    case '/': text.Append('/'); break;
                    case 'b': text.Append('\b'); break;
                    case 'f': text.Append('\f'); break;
                    case 'n': text.Append('\n'); break;
                    case 'r': text.Append('\r'); break;
                    case 't': text.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > _text.Length ||
                            !int.TryParse(_text.Substring(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                        {
                            Fail("bad \\u escape");
                            return null;
                        }

                        text.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        _position--;
                        Fail("bad escape '\\" + e + "'");
                        return null;
                }
            }

            Fail("unterminated string");
            return null;
        }

        private JsonValue? ReadNumber()
        {
            int start = _position;
            if (Peek('-'))
            {
                _position++;
            }

            while (_position < _text.Length && "0123456789.eE+-".IndexOf(_text[_position]) >= 0)
            {
                _position++;
            }

            string token = _text.Substring(start, _position - start);
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsInfinity(value))
            {
                _position = start;
                return Fail("bad number '" + token + "'");
            }

            return JsonValue.Of(value);
        }

        private JsonValue? ReadLiteral(string literal, object? value)
        {
            if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
            {
                return Fail("unexpected token");
            }

            _position += literal.Length;
            return JsonValue.Of(value);
        }

        private bool Peek(char c) => Peek(_position, c);

        private bool Peek(int position, char c) => position < _text.Length && _text[position] == c;

        private void SkipWhitespace()
        {
            while (_position < _text.Length && (_text[_position] is ' ' or '\t' or '\r' or '\n'))
            {
                _position++;
            }
        }

        private JsonValue? Fail(string message)
        {
            if (_error is null)
            {
                int line = 1, column = 1;
                for (int i = 0; i < _position && i < _text.Length; i++)
                {
                    if (_text[i] == '\n')
                    {
                        line++;
                        column = 1;
                    }
                    else
                    {
                        column++;
                    }
                }

                _error = new JsonError(message, line, column);
            }

            return null;
        }
    }
}
