using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Switchboard.Auth;
using Switchboard.Integrations;
using Switchboard.Operations;
using Switchboard.RateLimiting;

namespace Switchboard.Rest;

/// <summary>
/// Serves a REST API's methods: resource and method match, the stage's throttle, the API key check and the key's
/// usage plan (<see cref="UsagePlanGate"/>; all before any parameter or the body is looked at, as API Gateway does),
/// then the integration.
/// </summary>
internal sealed partial class RestEndpoint(
    IApiKeyStore apiKeys,
    UsagePlanGate usagePlans,
    Registry.StoreHealth storeHealth,
    GatewayMetrics metrics,
    ILogger<RestEndpoint> logger)
{
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>API Gateway's REST payload limit (10 MB).</summary>
    public const int MaxBodyBytes = 10 * 1024 * 1024;

    public async Task HandleAsync(HttpContext http, RestApiRuntime api, string stage, string resourcePath, UsagePlanSet plans)
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

        var stageThrottle = plans.StageThrottle(api.Name, stage);
        if (!usagePlans.TryEnterStage(stageThrottle, api.Name, stage))
        {
            await UsageAnswers.WriteAsync(http, UsageVerdict.Throttled).ConfigureAwait(false);
            return;
        }

        if (method.ApiKeyRequired)
        {
            ApiKeyRecord? key;
            var verdict = UsageVerdict.Allowed;
            try
            {
                key = await FindKeyAsync(http).ConfigureAwait(false);
                if (key is not null)
                {
                    verdict = await usagePlans.CheckKeyAsync(plans, key, stageThrottle, api.Name, stage, resource.Path.Path, method.Verb, http.RequestAborted).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The key store or the quota counter did not answer (Redis away, a locked file): not the client's
                // fault, and nothing was forwarded. /readyz says so until the store answers again.
                storeHealth.ReportFailure("checking an API key and its usage plan", ex);
                await HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message(
                    "Service unavailable: the gateway's store (API keys, usage plan quotas) did not answer; retry shortly"), "ServiceUnavailableException").ConfigureAwait(false);
                return;
            }

            if (key is null)
            {
                await HttpAnswers.JsonAsync(http, StatusCodes.Status403Forbidden, JsonMessages.Forbidden, "ForbiddenException").ConfigureAwait(false);
                return;
            }

            if (verdict != UsageVerdict.Allowed)
            {
                await UsageAnswers.WriteAsync(http, verdict).ConfigureAwait(false);
                return;
            }
        }

        var body = await ReadBodyAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status413PayloadTooLarge, JsonMessages.Message(
                $"Request body exceeds {MaxBodyBytes} bytes, API Gateway's payload limit"), "PayloadTooLargeException").ConfigureAwait(false);
            return;
        }

        RestResult result;
        try
        {
            var stageDefinition = api.Stages[stage];
            var parameters = new HttpRequestParameters(http.Request, pathParameters, stageDefinition);
            var invocation = new RestInvocation(http, stage, resource.Path.Path, resourcePath, pathParameters, stageDefinition.Variables, parameters, body);
            result = await method.Integration.InvokeAsync(invocation, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogIntegrationFailed(logger, ex, api.Name, stage, resource.Path.Path, method.Verb);
            result = new RestResult(StatusCodes.Status500InternalServerError, JsonMessages.Message("Internal server error"));
        }

        await WriteAsync(http, result).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext http, RestResult result)
    {
        foreach (var (name, value) in ResponseHeaders.Allowed(result.Headers))
        {
            http.Response.Headers.Append(name, value);
        }

        if (result.RawBody is not { } raw)
        {
            await HttpAnswers.JsonAsync(http, result.StatusCode, result.Body, result.ErrorType).ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = result.StatusCode;
        http.Response.ContentType = result.ContentType;
        await http.Response.Body.WriteAsync(raw).ConfigureAwait(false);
    }

    /// <summary>The request body, or null when it is over <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        var request = http.Request;
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || request.ContentLength is 0)
        {
            return [];
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        if (request.ContentLength is { } length)
        {
            // Known length: one exact buffer, no growing copies.
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact).ConfigureAwait(false);
            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The key whose value <c>x-api-key</c> holds, read from the store on every request (a revoke counts at once).</summary>
    private async ValueTask<ApiKeyRecord?> FindKeyAsync(HttpContext http)
    {
        var key = http.Request.Headers[ApiKeyHeader].ToString();
        return key.Length > 0 ? await apiKeys.FindByValueAsync(key).ConfigureAwait(false) : null;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "Integration of {Verb} {Resource} on REST API {Api}/{Stage} failed")]
    private static partial void LogIntegrationFailed(ILogger logger, Exception exception, string api, string stage, string resource, string verb);
}
