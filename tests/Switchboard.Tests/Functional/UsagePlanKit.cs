using System.Net;
using Switchboard.Definition;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>
/// A REST API for the usage-plan tests, on stages <c>dev</c> and <c>test</c>: <c>GET</c> and <c>POST /items</c> with
/// <c>apiKeyRequired</c>, and <c>GET /open</c> without, all calling a <see cref="BackendServer"/>, which records what was
/// forwarded.
/// </summary>
internal static class UsagePlanKit
{
    public const string Api = "Limited";

    public static GatewayDefinition LimitedApi(BackendServer backend, IReadOnlyList<UsagePlanDefinition> plans, ThrottleDefinition? devThrottle = null)
    {
        backend.Handle("/items", BackendReply.Proxy(200, "items"));
        backend.Handle("/open", BackendReply.Proxy(200, "open"));
        var items = BackendDefinitions.Http(backend, "/items");
        return new GatewayDefinition
        {
            RestApis =
            [
                new RestApiDefinition
                {
                    Name = Api,
                    Stages = new Dictionary<string, StageDefinition> { ["dev"] = new() { Throttle = devThrottle }, ["test"] = new() },
                    Resources = new Dictionary<string, RestResourceDefinition>
                    {
                        ["/items"] = new()
                        {
                            Methods = new Dictionary<string, RestMethodDefinition>
                            {
                                ["GET"] = new() { ApiKeyRequired = true, Integration = items },
                                ["POST"] = new() { ApiKeyRequired = true, Integration = items },
                            },
                        },
                        ["/open"] = new()
                        {
                            Methods = new Dictionary<string, RestMethodDefinition> { ["GET"] = new() { Integration = BackendDefinitions.Http(backend, "/open") } },
                        },
                    },
                },
            ],
            UsagePlans = plans,
        };
    }

    public static ThrottleDefinition Throttle(double rate, int burst) => new() { RateLimit = rate, BurstLimit = burst };

    public static QuotaDefinition Quota(int limit, string period, int offset = 0) => new() { Limit = limit, Period = period, Offset = offset };

    /// <summary>Calls a method and returns its status and body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> CallAsync(GatewayServer server, string path, string? key = null, string method = "GET")
    {
        using var response = await server.SendAsync(new HttpMethod(method), path, key).WaitAsync(TimeSpan.FromSeconds(20));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Calls a method expecting 200 from the backend.</summary>
    public static async Task AssertOkAsync(GatewayServer server, string path, string? key = null, string method = "GET")
    {
        var (status, body) = await CallAsync(server, path, key, method);
        Assert.True(status == HttpStatusCode.OK, $"{method} {path}: {(int)status} {body}");
    }

    /// <summary>API Gateway's throttled answer: 429, <c>Too Many Requests</c>, <c>TooManyRequestsException</c>, no <c>Retry-After</c>.</summary>
    public static Task AssertTooManyRequestsAsync(GatewayServer server, string path, string? key = null, string method = "GET") =>
        AssertRefusedAsync(server, path, key, method, HttpStatusCode.TooManyRequests, "{\"message\":\"Too Many Requests\"}", "TooManyRequestsException");

    /// <summary>API Gateway's quota answer: 429, <c>Limit Exceeded</c>, <c>LimitExceededException</c>, no <c>Retry-After</c>.</summary>
    public static Task AssertLimitExceededAsync(GatewayServer server, string path, string? key = null, string method = "GET") =>
        AssertRefusedAsync(server, path, key, method, HttpStatusCode.TooManyRequests, "{\"message\":\"Limit Exceeded\"}", "LimitExceededException");

    public static Task AssertForbiddenAsync(GatewayServer server, string path, string? key = null, string method = "GET") =>
        AssertRefusedAsync(server, path, key, method, HttpStatusCode.Forbidden, "{\"message\":\"Forbidden\"}", "ForbiddenException");

    private static async Task AssertRefusedAsync(
        GatewayServer server, string path, string? key, string method, HttpStatusCode status, string body, string errorType)
    {
        using var response = await server.SendAsync(new HttpMethod(method), path, key).WaitAsync(TimeSpan.FromSeconds(20));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Equal(body, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(errorType, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        Assert.Null(response.Headers.RetryAfter);
    }
}
