using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DeploySpec.Engine.Planning;

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
    /// </summary>
    public sealed record Rule(string? Id, string Title, RuleCategory Category, RuleSeverity Severity, string Subject, string Body)
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

    /// <summary>A change to the declarations that would repair a finding (code fixes apply these).</summary>
    public abstract record Fix;

    /// <summary>Pin these degrees on the deployment (the best plan that fits).</summary>
    public sealed record PinPlan(Degrees Degrees) : Fix;

    /// <summary>FP8 weights on the model, and an FP8 KV cache too when <paramref name="KvCacheToo"/>.</summary>
    public sealed record UseFp8(bool KvCacheToo) : Fix;

    /// <summary>An FP8 KV cache on the model.</summary>
    public sealed record UseFp8KvCache : Fix;

    /// <summary>Scale the cluster to this size (the smallest of its GPU that fits).</summary>
    public sealed record ScaleCluster(int GpusPerNode, int Nodes) : Fix;

    /// <summary>
    /// What the engine concluded about a deployment or a candidate: the rule, the attribute property at fault
    /// (<see cref="ClusterArgument"/> for the deployment's cluster argument, empty for the whole attribute), the
    /// message arguments (index 0 is the subject's name) and the fixes that would work.
    /// </summary>
    public sealed record Finding(Rule Rule, string Property, IReadOnlyList<object> Arguments, IReadOnlyList<Fix> Fixes)
    {
        /// <summary><see cref="Property"/> of a finding about the deployment's cluster argument (its second typeof()).</summary>
        public const string ClusterArgument = "(cluster)";

        public string Message => Rule.Render(Arguments);

        /// <summary>The message without its subject: the reason a rejected candidate gives.</summary>
        public string Reason => Rule.RenderBody(Arguments);

        public override string ToString() => (Rule.Id ?? "reason") + ": " + Message;

        public static Finding Of(Rule rule, string property, string subject, params object[] arguments) =>
            new(rule, property, Prepend(subject, arguments), Array.Empty<Fix>());

        /// <summary>A finding with fixes; by convention the last argument of a rule that carries fixes is the remedy text.</summary>
        public static Finding Of(Rule rule, string property, IReadOnlyList<Fix> fixes, string subject, params object[] arguments) =>
            new(rule, property, Prepend(subject, arguments), fixes);

        private static object[] Prepend(string subject, object[] arguments)
        {
            var all = new object[arguments.Length + 1];
            all[0] = subject;
            Array.Copy(arguments, 0, all, 1, arguments.Length);
            return all;
        }
    }
}
