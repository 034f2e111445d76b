namespace Switchboard.Templates;

/// <summary>The request data a mapping template reads through <c>$input</c>, <c>$context</c> and <c>$stageVariables</c>.</summary>
public sealed class TemplateInput
{
    /// <summary>The raw request body (<c>$input.body</c>). Default: empty.</summary>
    public string Body { get; init; } = "";

    /// <summary>Path parameters in order. Default: none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> PathParameters { get; init; } = [];

    /// <summary>Query-string parameters in order; for a repeated name the last value wins. Default: none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> QueryParameters { get; init; } = [];

    /// <summary>Headers with the client's casing; lookups ignore case. Default: none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// <c>$context.*</c>. Values are string, long, int, bool, null or a nested
    /// <see cref="IReadOnlyDictionary{TKey, TValue}"/> of the same. Default: empty.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Context { get; init; } = EmptyContext;

    /// <summary><c>$stageVariables.*</c>. Default: empty.</summary>
    public IReadOnlyDictionary<string, string> StageVariables { get; init; } = EmptyStageVariables;

    private static readonly IReadOnlyDictionary<string, object?> EmptyContext = new Dictionary<string, object?>();
    private static readonly IReadOnlyDictionary<string, string> EmptyStageVariables = new Dictionary<string, string>();
}
