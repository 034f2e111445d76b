namespace Switchboard.Definition;

// The group types' setting; part of the definition model (see Definition/IntegrationDefinition.cs).
public sealed partial record IntegrationDefinition
{
    /// <summary>
    /// <c>group.join</c> and <c>group.leave</c>: the group, as a JSON path into the message (<c>$request.body.room</c>)
    /// or a literal name (1 to 128 characters of <c>[A-Za-z0-9_.:-]</c>). Required there.
    /// <c>broadcast</c> on a WebSocket route: send to this group's members instead of the whole stage. Optional.
    /// </summary>
    public string? Group { get; init; }
}
