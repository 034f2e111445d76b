namespace Switchboard.Definition;

/// <summary>
/// What a route or method does. <see cref="Type"/> picks the integration type; the other properties are the types'
/// settings, each declared in a partial of this record in its type's folder (<c>Integrations/Broadcast/</c>,
/// <c>Integrations/Backend/</c>, <c>Integrations/Groups/</c>), and a setting the chosen type does not take is an error.
/// Known types: <c>registry.save</c>, <c>registry.delete</c>, <c>broadcast</c>, <c>lambda</c>, <c>http</c>,
/// <c>group.join</c> and <c>group.leave</c>.
/// </summary>
public sealed partial record IntegrationDefinition
{
    /// <summary>The integration type. Required.</summary>
    public string Type { get; init; } = "";
}
