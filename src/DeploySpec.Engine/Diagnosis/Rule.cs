using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>The product categories a user can configure as a whole in .editorconfig.</summary>
    public enum RuleCategory
    {
        Specification,
        Capacity,
        Performance,
    }

    public enum RuleSeverity
    {
        Info,
        Warning,
        Error,
    }

    /// <summary>
    /// One rule: its diagnostic ID (null for reasons that only explain a rejected candidate), title, category,
    /// default severity and message. <see cref="Body"/> is a composite format whose arguments start at {1}; {0} is
    /// the name of the <see cref="Subject"/> ("Deployment", "Model", "Cluster"; empty for none). Format specifiers
    /// ({3:0.0}) are applied with the invariant culture, so a message reads the same on every machine.
    /// <see cref="RemedyArgument"/> names the placeholder that holds the remedy text of a rule whose findings carry
    /// fixes ("; the best plan that fits is ..."; empty in a rejected candidate's reason).
    /// </summary>
    public sealed record Rule(string? Id, string Title, RuleCategory Category, RuleSeverity Severity, string Subject, string Body, int? RemedyArgument = null)
    {
        private static readonly Regex Placeholder = new(@"\{(\d+)(:[^}]*)?\}", RegexOptions.CultureInvariant);

        /// <summary>The whole message format: "Deployment '{0}': " and the body.</summary>
        public string MessageFormat => Subject.Length == 0 ? Body : Subject + " '{0}': " + Body;

        /// <summary>The message format without format specifiers, for a diagnostic whose arguments come pre-formatted by <see cref="FormatArguments"/>.</summary>
        public string PlainMessageFormat => Placeholder.Replace(MessageFormat, m => "{" + m.Groups[1].Value + "}");

        /// <summary>Each argument as text, formatted with the specifier its placeholder carries, culture-invariant.</summary>
        public string[] FormatArguments(IReadOnlyList<object> arguments)
        {
            var specifiers = new Dictionary<int, string>();
            foreach (Match m in Placeholder.Matches(MessageFormat))
            {
                specifiers[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = m.Groups[2].Value;
            }

            var text = new string[arguments.Count];
            for (int i = 0; i < arguments.Count; i++)
            {
                specifiers.TryGetValue(i, out string? specifier);
                text[i] = string.Format(CultureInfo.InvariantCulture, "{0" + (specifier ?? "") + "}", arguments[i]);
            }

            return text;
        }

        /// <summary>The message, subject included.</summary>
        public string Render(IReadOnlyList<object> arguments) => Format(MessageFormat, arguments);

        /// <summary>The body alone (what a rejected candidate's reason says).</summary>
        public string RenderBody(IReadOnlyList<object> arguments) => Format(Body, arguments);

        private static string Format(string format, IReadOnlyList<object> arguments)
        {
            var array = new object[arguments.Count];
            for (int i = 0; i < array.Length; i++)
            {
                array[i] = arguments[i];
            }

            return string.Format(CultureInfo.InvariantCulture, format, array);
        }
    }
}
