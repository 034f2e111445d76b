using Microsoft.AspNetCore.Http;

namespace Switchboard.Integrations;

/// <summary>One REST request for a method's integration.</summary>
/// <param name="Http">The request.</param>
/// <param name="Stage">The REST API stage it arrived on.</param>
/// <param name="Parameters">Request values for parameter mapping (path, query string, headers, stage variables).</param>
public sealed record RestInvocation(HttpContext Http, string Stage, IRequestParameterValues Parameters);

/// <summary>A REST answer: status and JSON body.</summary>
public readonly record struct RestResult(int StatusCode, string JsonBody);

/// <summary>What a REST method does.</summary>
public interface IRestIntegration
{
    ValueTask<RestResult> InvokeAsync(RestInvocation invocation);
}
