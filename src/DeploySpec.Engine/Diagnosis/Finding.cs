using System;
using System.Collections.Generic;

namespace DeploySpec.Engine.Diagnosis
{
    /// <summary>
    /// What the engine concluded about a deployment or a candidate: the rule, where in the declaration it points
    /// (<see cref="Target"/>), the message arguments (index 0 is the subject's name; the rule's
    /// <see cref="Rule.RemedyArgument"/>, if any, is the remedy text) and the fixes that would work.
    /// </summary>
    public sealed record Finding(Rule Rule, FindingTarget Target, IReadOnlyList<object> Arguments, IReadOnlyList<Fix> Fixes)
    {
        public string Message => Rule.Render(Arguments);

        /// <summary>The message without its subject: the reason a rejected candidate gives.</summary>
        public string Reason => Rule.RenderBody(Arguments);

        /// <summary>The remedy text ("; the best plan that fits is ..."); empty when the rule has none or none was found.</summary>
        public string Remedy => Rule.RemedyArgument is int remedy ? (string)Arguments[remedy] : "";

        public override string ToString() => (Rule.Id ?? "reason") + ": " + Message;

        /// <summary>
        /// A finding without fixes. <paramref name="arguments"/> are the rule's arguments from {1} on, the remedy
        /// left out: a rule with a <see cref="Rule.RemedyArgument"/> gets an empty one there (<see cref="WithRemedy"/> sets it).
        /// </summary>
        public static Finding Of(Rule rule, FindingTarget target, string subject, params object[] arguments)
        {
            var all = new List<object>(arguments.Length + 2) { subject };
            all.AddRange(arguments);
            if (rule.RemedyArgument is int remedy)
            {
                all.Insert(remedy, "");
            }

            return new(rule, target, all.ToArray(), Array.Empty<Fix>());
        }

        /// <summary>This finding with its rule's remedy argument set to <paramref name="remedy"/> and these fixes.</summary>
        public Finding WithRemedy(string remedy, IReadOnlyList<Fix> fixes)
        {
            if (Rule.RemedyArgument is not int index)
            {
                throw new InvalidOperationException("Rule " + Rule.Id + " (" + Rule.Title + ") has no remedy argument.");
            }

            var arguments = new object[Arguments.Count];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = i == index ? remedy : Arguments[i];
            }

            return this with { Arguments = arguments, Fixes = fixes };
        }
    }

    public enum FindingTargetKind
    {
        /// <summary>The whole <c>[Deployment]</c> attribute.</summary>
        Attribute,

        /// <summary>The deployment's cluster argument: its second <c>typeof()</c>.</summary>
        ClusterArgument,

        /// <summary>A named argument, <see cref="FindingTarget.Property"/>.</summary>
        NamedArgument,
    }

    /// <summary>Where in the deployment's declaration a finding points; the analyzers map it to a location.</summary>
    public sealed record FindingTarget
    {
        private FindingTarget(FindingTargetKind kind, string property, PinnedDegree? degree)
        {
            Kind = kind;
            Property = property;
            Degree = degree;
        }

        public FindingTargetKind Kind { get; }

        /// <summary>The attribute property of a <see cref="FindingTargetKind.NamedArgument"/>; empty for the other kinds.</summary>
        public string Property { get; }

        /// <summary>The degree that the named argument pins, when it is one.</summary>
        public PinnedDegree? Degree { get; }

        public static FindingTarget Attribute { get; } = new(FindingTargetKind.Attribute, "", null);

        public static FindingTarget ClusterArgument { get; } = new(FindingTargetKind.ClusterArgument, "", null);

        /// <summary>The named argument <paramref name="property"/> (by <c>nameof</c> of a <c>DeploymentAttribute</c> property).</summary>
        public static FindingTarget Argument(string property) => new(FindingTargetKind.NamedArgument, property, null);

        /// <summary>The named argument that pins <paramref name="degree"/>.</summary>
        public static FindingTarget Pin(PinnedDegree degree) => new(FindingTargetKind.NamedArgument, degree.Property(), degree);

        public override string ToString() => Kind == FindingTargetKind.NamedArgument ? Property : Kind.ToString();
    }
}
