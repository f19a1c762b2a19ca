using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;

namespace DeploySpec.Generators
{
    /// <summary>
    /// C# literals for generated code, culture-invariant and round-tripping, and the one writer of spec records as
    /// object initializers (read from the record's own properties, so a new spec field needs no change here).
    /// </summary>
    public static class Literals
    {
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

        /// <summary>A double literal that round-trips exactly, whatever the culture.</summary>
        public static string Dbl(double value)
        {
            if (value == 0)
            {
                value = 0; // -0.0 is written 0.0: the same value, and no minus sign in generated data
            }

            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != value)
            {
                text = value.ToString("G17", CultureInfo.InvariantCulture);
            }

            return text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text + "d" : text + ".0";
        }

        public static string Str(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>
        /// Text for one line of an XML doc comment (<c>/// ...</c>): markup characters escaped, and every line break
        /// and other control character a user's string may hold (\r, \n, U+0085, U+2028, U+2029, ...) made a
        /// space, so nothing can end the comment and start code or a directive.
        /// </summary>
        public static string Xml(string text) => Comment(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        /// <summary>Text for one line of a <c>//</c> comment: line breaks and other control characters made spaces.</summary>
        public static string Comment(string text)
        {
            var line = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                line.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
            }

            return line.ToString();
        }

        public static string TypeName(Type type) => "global::" + type.FullName!.Replace('+', '.');

        /// <summary>Any supported value as a C# expression: numbers, strings, booleans, enums and records (recursively).</summary>
        public static string Value(object? value) => value switch
        {
            null => "null",
            int i => Int(i),
            long l => Long(l),
            double d => Dbl(d),
            bool b => b ? "true" : "false",
            string s => Str(s),
            Enum e => Enum.IsDefined(e.GetType(), e)
                ? TypeName(e.GetType()) + "." + e
                : "(" + TypeName(e.GetType()) + ")" + Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            _ => Init(value, ""),
        };

        /// <summary>
        /// <c>new global::T { A = 1, B = new global::U { ... } }</c> for a record with init-only properties: every
        /// settable property whose value differs from that of <c>new T()</c>, in declaration order (nested records
        /// the same way), arguments packed onto lines of at most <paramref name="width"/> characters after
        /// <paramref name="indent"/>. Read from the type itself, so a new spec property needs no change here.
        /// </summary>
        public static string Init(object value, string indent, int width = 120)
        {
            var type = value.GetType();
            object fresh = Activator.CreateInstance(type);
            var arguments = new List<string>();
            foreach (var property in Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
                         .OrderBy(p => p.MetadataToken).ToArray()))
            {
                object? item = property.GetValue(value);
                if (!Equals(item, property.GetValue(fresh)))
                {
                    bool record = item is not null and not string && item.GetType().IsClass && item.GetType().GetConstructor(Type.EmptyTypes) is not null;
                    arguments.Add(property.Name + " = " + (record ? Init(item!, indent + "    ", width) : Value(item)));
                }
            }

            var text = new StringBuilder("new ").Append(TypeName(type)).Append(" {");
            int lineStart = 0;
            foreach (string argument in arguments)
            {
                if (argument.IndexOf('\n') >= 0 || text.Length - lineStart + argument.Length + 2 > width)
                {
                    text.Append('\n');
                    lineStart = text.Length;
                    text.Append(indent);
                }
                else
                {
                    text.Append(' ');
                }

                text.Append(argument).Append(',');
                int lastBreak = argument.LastIndexOf('\n');
                if (lastBreak >= 0)
                {
                    lineStart = text.Length - (argument.Length + 1 - lastBreak - 1);
                }
            }

            return text.Append(" }").ToString();
        }

        private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();
    }
}
