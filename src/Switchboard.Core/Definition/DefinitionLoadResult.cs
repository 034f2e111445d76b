using System.Diagnostics.CodeAnalysis;

namespace Switchboard.Definition;

/// <summary>What <see cref="DefinitionLoader"/> made of a file: a valid definition, or every problem found in it.</summary>
public sealed class DefinitionLoadResult
{
    private DefinitionLoadResult(GatewayDefinition? definition, IReadOnlyList<DefinitionError> errors)
    {
        Definition = definition;
        Errors = errors;
    }

    /// <summary>The definition; set exactly when <see cref="Succeeded"/>.</summary>
    public GatewayDefinition? Definition { get; }

    /// <summary>Every problem found, in the order of the file; empty when <see cref="Succeeded"/>.</summary>
    public IReadOnlyList<DefinitionError> Errors { get; }

    /// <summary>Whether the file held a valid definition.</summary>
    [MemberNotNullWhen(true, nameof(Definition))]
    public bool Succeeded => Definition is not null;

    internal static DefinitionLoadResult Success(GatewayDefinition definition) => new(definition, []);

    internal static DefinitionLoadResult Failure(IReadOnlyList<DefinitionError> errors) => new(null, errors);
}
