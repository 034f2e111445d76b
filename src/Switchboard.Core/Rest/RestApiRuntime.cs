using Switchboard.Definition;
using Switchboard.Integrations;

namespace Switchboard.Rest;

/// <summary>A REST method compiled: whether it needs an API key, and its integration.</summary>
internal sealed record RestMethodRuntime(string Verb, bool ApiKeyRequired, IRestIntegration Integration);

/// <summary>A REST resource compiled: its path template and methods by verb (<c>ANY</c> matches every verb).</summary>
internal sealed record RestResourceRuntime(ResourcePathTemplate Path, IReadOnlyDictionary<string, RestMethodRuntime> Methods)
{
    public RestMethodRuntime? FindMethod(string verb) =>
        Methods.TryGetValue(verb, out var method) ? method : Methods.GetValueOrDefault("ANY");
}

/// <summary>A REST API compiled: its stages (with their variables) and resources.</summary>
internal sealed record RestApiRuntime(
    string Name,
    string BasePath,
    IReadOnlyDictionary<string, StageDefinition> Stages,
    IReadOnlyList<RestResourceRuntime> Resources);
