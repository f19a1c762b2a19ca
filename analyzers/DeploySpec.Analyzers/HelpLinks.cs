using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeploySpec.Engine;
using DeploySpec.Engine.Diagnosis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace DeploySpec.Analyzers
{
    /// <summary>
    /// The descriptors one compilation reports with. Roslyn descriptors are static, but where the rule pages are is
    /// the project's business: the package's build props set the MSBuild property <c>DeploySpecHelpLinkBase</c> to
    /// the pages it ships (a file URI), and a project may set its own (a wiki). A diagnostic then links to base + ID
    /// + ".md" through a copy of its descriptor that differs only in the link; the analyzer's
    /// <c>SupportedDiagnostics</c> keep the link-less <see cref="Descriptors"/>, matched by ID. Without a base (the
    /// analyzers referenced from source, the tests) the link is empty. One set per base, kept across compilations.
    /// </summary>
    internal sealed class HelpLinks
    {
        public const string Property = "DeploySpecHelpLinkBase";

        /// <summary>No base: <see cref="Descriptors"/> themselves, with no help link.</summary>
        public static HelpLinks None { get; } = new(Descriptors.All);

        private static readonly BoundedCache<string, HelpLinks> ByBase = new(8);

        private readonly Dictionary<string, DiagnosticDescriptor> _byId;

        private HelpLinks(IEnumerable<DiagnosticDescriptor> descriptors) => _byId = descriptors.ToDictionary(d => d.Id);

        /// <summary>The rule's descriptor as this compilation reports it.</summary>
        public DiagnosticDescriptor For(Rule rule) => _byId[rule.Id!];

        /// <summary>
        /// The set for the project's <c>build_property.DeploySpecHelpLinkBase</c>. A value that is not an absolute URI
        /// gives no links and a DS1008 text in <paramref name="problem"/>; a valid one is used as Uri writes it (a
        /// path with spaces becomes %20).
        /// </summary>
        public static HelpLinks From(AnalyzerConfigOptions options, out string? problem)
        {
            problem = null;
            if (!options.TryGetValue("build_property." + Property, out var text) || string.IsNullOrWhiteSpace(text))
            {
                return None;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            {
                problem = string.Format(CultureInfo.InvariantCulture,
                    "MSBuild property {0} must be an absolute URI (such as https://example.com/deployspec/ or file:///...), but is '{1}'", Property, text);
                return None;
            }

            return ByBase.GetOrAdd(uri.AbsoluteUri, Create);
        }

        private static HelpLinks Create(string helpLinkBase) => new(Rules.All.Select(r => Descriptors.Create(r, helpLinkBase)));
    }
}
