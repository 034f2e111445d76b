namespace Switchboard.Definition;

/// <summary>A REST API: methods are served at <c>http://HOST:PORT/{basePath}/{stage}/{resource}</c>.</summary>
public sealed record RestApiDefinition
{
    /// <summary>Name of the API. Required; unique among REST APIs.</summary>
    public string Name { get; init; } = "";

    /// <summary>URL path prefix before the stage, as for WebSocket APIs. Optional; default empty.</summary>
    public string BasePath { get; init; } = "";

    /// <summary>Stages by name. Required: at least one.</summary>
    public IReadOnlyDictionary<string, StageDefinition> Stages { get; init; } = new Dictionary<string, StageDefinition>();

    /// <summary>Resources by path (<c>/receiver</c>); a path starts with <c>/</c> and may hold <c>{name}</c> segments. Required: at least one.</summary>
    public IReadOnlyDictionary<string, RestResourceDefinition> Resources { get; init; } = new Dictionary<string, RestResourceDefinition>();
}

/// <summary>A REST resource.</summary>
public sealed record RestResourceDefinition
{
    /// <summary>Methods by HTTP verb (<c>GET</c>, <c>POST</c>, ...). Required: at least one.</summary>
    public IReadOnlyDictionary<string, RestMethodDefinition> Methods { get; init; } = new Dictionary<string, RestMethodDefinition>();
}

/// <summary>A method of a REST resource.</summary>
public sealed record RestMethodDefinition
{
    /// <summary>Whether callers must send a valid key in <c>x-api-key</c>. Optional; default <c>false</c>.</summary>
    public bool ApiKeyRequired { get; init; }

    /// <summary>What the method does. Required.</summary>
    public IntegrationDefinition? Integration { get; init; }
}
