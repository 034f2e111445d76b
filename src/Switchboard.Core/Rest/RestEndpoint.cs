using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Auth;
using Switchboard.Integrations;
using Switchboard.Operations;

namespace Switchboard.Rest;

/// <summary>
/// Serves a REST API's methods: resource and method match, the API key check (before any parameter is looked at, as
/// API Gateway does), then the integration.
/// </summary>
internal sealed partial class RestEndpoint(IApiKeyStore apiKeys, GatewayMetrics metrics, ILogger<RestEndpoint> logger)
{
    public const string ApiKeyHeader = "x-api-key";

    public async Task HandleAsync(HttpContext http, RestApiRuntime api, string stage, string resourcePath)
    {
        metrics.RestRequest();
        var pathParameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var resource = api.Resources.FirstOrDefault(r => { pathParameters.Clear(); return r.Path.TryMatch(resourcePath, pathParameters); });
        if (resource is null)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status404NotFound, JsonMessages.Message($"no resource of REST API '{api.Name}' matches '{resourcePath}'")).ConfigureAwait(false);
            return;
        }

        var method = resource.FindMethod(http.Request.Method);
        if (method is null)
        {
            http.Response.Headers.Allow = string.Join(", ", resource.Methods.Keys);
            await HttpAnswers.JsonAsync(http, StatusCodes.Status405MethodNotAllowed, JsonMessages.Message($"{http.Request.Method} is not defined on {resource.Path.Path}")).ConfigureAwait(false);
            return;
        }

        if (method.ApiKeyRequired && !await HasValidKeyAsync(http).ConfigureAwait(false))
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status403Forbidden, JsonMessages.Forbidden, "ForbiddenException").ConfigureAwait(false);
            return;
        }

        RestResult result;
        try
        {
            var parameters = new HttpRequestParameters(http.Request, pathParameters, api.Stages[stage]);
            result = await method.Integration.InvokeAsync(new RestInvocation(http, stage, parameters)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogIntegrationFailed(logger, ex, api.Name, stage, resource.Path.Path, method.Verb);
            result = new RestResult(StatusCodes.Status500InternalServerError, JsonMessages.Message("Internal server error"));
        }

        await HttpAnswers.JsonAsync(http, result.StatusCode, result.JsonBody).ConfigureAwait(false);
    }

    private async Task<bool> HasValidKeyAsync(HttpContext http)
    {
        var key = http.Request.Headers[ApiKeyHeader].ToString();
        return key.Length > 0 && await apiKeys.FindByValueAsync(key).ConfigureAwait(false) is not null;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "Integration of {Verb} {Resource} on REST API {Api}/{Stage} failed")]
    private static partial void LogIntegrationFailed(ILogger logger, Exception exception, string api, string stage, string resource, string verb);
}
