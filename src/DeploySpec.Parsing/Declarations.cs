using DeploySpec.Engine.Models;
using DeploySpec.Engine.Planning;

namespace DeploySpec.Parsing
{
    /// <summary>A type that encloses a declaration (for nested partial classes).</summary>
    public sealed record ContainingTypeSpec(string Keyword, string Name, bool IsPartial);

    /// <summary>
    /// Where generated members go: namespace, enclosing types, the type itself. Strings only.
    /// <see cref="InheritsMembers"/>: a class that declares no base class of its own (nor is static or a record) gets the
    /// planned members from the generated base class <c>GeneratedDeployment&lt;T&gt;</c>; any other gets them written in.
    /// </summary>
    public sealed record TypeDeclarationSpec(
        string Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string Keyword,
        string Name,
        string FullyQualifiedName,
        bool IsPartial,
        bool IsGeneric,
        bool IsFileLocal = false,
        bool InheritsMembers = false)
    {
        /// <summary>"Namespace.Outer.Inner" (no global::, no '@'), used in messages.</summary>
        public string DisplayName => (FullyQualifiedName.StartsWith("global::", System.StringComparison.Ordinal)
            ? FullyQualifiedName.Substring("global::".Length)
            : FullyQualifiedName).Replace("@", "");

        /// <summary>
        /// The generated file's name: the type's name in file-safe characters, plus a hash of its exact
        /// fully-qualified name, so that names which differ only in case or in unsafe characters never collide.
        /// </summary>
        public string HintName
        {
            get
            {
                var safe = new System.Text.StringBuilder();
                foreach (char c in DisplayName)
                {
                    safe.Append(c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
                }

                uint hash = 2166136261; // FNV-1a over the UTF-16 code units: stable on every machine
                foreach (char c in FullyQualifiedName)
                {
                    hash = (hash ^ c) * 16777619;
                }

                return safe + "." + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + GeneratedMembers.HintSuffix;
            }
        }

        /// <summary>True when members can be added: the type and all its enclosing types are partial, and not generic.</summary>
        public bool CanBeExtended
        {
            get
            {
                if (!IsPartial || IsGeneric || IsFileLocal)
                {
                    return false;
                }

                foreach (var containing in ContainingTypes)
                {
                    if (!containing.IsPartial)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }

    /// <summary>
    /// A [Model] class, parsed. With a ConfigFile, <see cref="Model"/> holds only the attribute's values until
    /// <see cref="ModelResolver"/> merges the file in; <see cref="SpecifiedProperties"/> lists what the attribute set (null: nothing listed).
    /// </summary>
    public sealed record ModelDeclaration(
        TypeDeclarationSpec Type,
        ModelArchitecture Model,
        bool IsValid,
        string? ConfigFile = null,
        EquatableArray<string>? SpecifiedProperties = null);

    /// <summary>
    /// A [Cluster] class, parsed. <see cref="AcceleratorType"/>: the fully-qualified name of its [Accelerator] class
    /// (null when it uses a catalog GPU), resolved against the [Accelerator] declarations later, so edits there flow
    /// through; until then <see cref="ClusterSpec.Accelerator"/> is null.
    /// </summary>
    public sealed record ClusterDeclaration(TypeDeclarationSpec Type, ClusterSpec Cluster, bool IsValid, string? AcceleratorType = null);

    /// <summary>An [Accelerator] class, parsed.</summary>
    public sealed record AcceleratorDeclaration(TypeDeclarationSpec Type, AcceleratorSpec Accelerator, bool IsValid);

    /// <summary>
    /// A [Deployment] class, parsed: its own settings, and the fully-qualified names of the model and cluster types
    /// it refers to (resolved against the [Model] and [Cluster] declarations later, so edits there flow through).
    /// <see cref="HasMemberConflict"/>: the class declares, inherits or is named like a generated member (DS1010),
    /// so no members can be generated into it, planned or not.
    /// </summary>
    public sealed record DeploymentDeclaration(
        TypeDeclarationSpec Type,
        string ModelType,
        string ClusterType,
        DeploymentSpec Settings,
        bool IsValid,
        bool HasMemberConflict = false)
    {
        /// <summary>
        /// The fully-qualified name of the [Model] class named by DraftModel (null: none), joined like the model, so
        /// edits there flow through; until then <see cref="DeploymentSpec.Draft"/> is null.
        /// </summary>
        public string? DraftModelType { get; init; }

        /// <summary>True when the generated members can join the class: it can be extended and nothing in it collides with them.</summary>
        public bool CanTakeMembers => Type.CanBeExtended && !HasMemberConflict;
    }
}
