namespace Switchboard.Definition;

/// <summary>
/// One problem in a gateway definition: the file, the JSON path of the bad value (<c>$.webSocketApis[0].name</c>)
/// and what is wrong with it, naming the bad value and what was expected.
/// </summary>
public sealed record DefinitionError(string File, string JsonPath, string Message)
{
    /// <summary>The line <c>serve</c> prints: <c>FILE: $.json.path: message</c>.</summary>
    public override string ToString() => $"{File}: {JsonPath}: {Message}";
}
