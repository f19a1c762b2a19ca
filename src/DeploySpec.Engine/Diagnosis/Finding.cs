using System;
using System.Collections.Generic;

namespace DeploySpec.Engine.Diagnosis
{
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
