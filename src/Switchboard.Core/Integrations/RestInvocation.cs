using Microsoft.AspNetCore.Http;

namespace Switchboard.Integrations;

/// <summary>One REST request for a method's integration.</summary>
/// <param name="Http">The request.</param>
/// <param name="Stage">The REST API stage it arrived on.</param>
/// <param name="ResourcePath">The resource's declared path (<c>/items/{id}</c>).</param>
/// <param name="Path">The request's path below the stage (<c>/items/42</c>), which API Gateway's proxy event calls <c>path</c>.</param>
/// <param name="PathParameters">The values of the resource path's <c>{name}</c> segments.</param>
/// <param name="StageVariables">The stage's variables.</param>
/// <param name="Parameters">Request values for parameter mapping (path, query string, headers, stage variables).</param>
/// <param name="Body">The request body (empty when none).</param>
public sealed record RestInvocation(
    HttpContext Http,
    string Stage,
    string ResourcePath,
    string Path,
    IReadOnlyDictionary<string, string> PathParameters,
    IReadOnlyDictionary<string, string> StageVariables,
    IRequestParameterValues Parameters,
    ReadOnlyMemory<byte> Body);

/// <summary>A REST answer: status, body and its content type, extra headers, and API Gateway's error type for errors.</summary>
public readonly record struct RestResult(
    int StatusCode,
    string Body,
    string ContentType = "application/json",
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    string? ErrorType = null)
{
    /// <summary>The body as bytes, when it may not be text (a base64 proxy result); takes precedence over <see cref="Body"/>.</summary>
    public ReadOnlyMemory<byte>? RawBody { get; init; }
}

/// <summary>What a REST method does.</summary>
public interface IRestIntegration
{
    /// <summary>Answers one request. <paramref name="cancellationToken"/> fires when the caller goes away.</summary>
    ValueTask<RestResult> InvokeAsync(RestInvocation invocation, CancellationToken cancellationToken);
}
