using System.Globalization;
using System.Text;

namespace DeploySpec.Generators
{
    /// <summary>C# literals and comment text for generated code, culture-invariant and round-tripping.</summary>
    public static class Literals
    {
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

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
    }
}
