using Microsoft.AspNetCore.Http;
using Switchboard.Definition;
using Switchboard.Integrations;

namespace Switchboard.Rest;

/// <summary>Request values of one HTTP request, as REST parameter mapping reads them.</summary>
internal sealed class HttpRequestParameters(HttpRequest request, IReadOnlyDictionary<string, string> pathParameters, StageDefinition stage) : IRequestParameterValues
{
    public string? Path(string name) => pathParameters.TryGetValue(name, out var value) ? value : null;

    public string? Query(string name) => request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    public string? Header(string name) => request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    public string? StageVariable(string name) => stage.Variables.TryGetValue(name, out var value) ? value : null;
}
