using System;
using System.Text;

namespace DeploySpec.Generators
{
    /// <summary>An indentation-aware writer for generated source (LF line endings, 4 spaces).</summary>
    public sealed class SourceWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        /// <summary>Writes <paramref name="line"/> at the current indentation; each line of a multi-line text is indented.</summary>
        public SourceWriter Line(string line = "")
        {
            int newline = line.IndexOf('\n');
            if (newline >= 0)
            {
                Line(line.Substring(0, newline));
                return Line(line.Substring(newline + 1));
            }

            if (line.Length > 0)
            {
                _text.Append(' ', _indent * 4);
            }

            _text.Append(line).Append('\n');
            return this;
        }

        public SourceWriter Open(string line)
        {
            Line(line);
            Line("{");
            _indent++;
            return this;
        }

        public SourceWriter Close(string suffix = "")
        {
            _indent = Math.Max(0, _indent - 1);
            return Line("}" + suffix);
        }

        public override string ToString() => _text.ToString();
    }
}
