using Microsoft.Extensions.Logging;
using Switchboard.Auth;
using Switchboard.Definition;
using Switchboard.Integrations.Backend;
using Switchboard.Integrations.Catalog;

namespace Switchboard.Authorizers;

/// <summary>Builds a WebSocket API's authorizer from its validated definition, once, when the runtime is compiled.</summary>
internal static class AuthorizerFactory
{
    /// <summary>What a REQUEST authorizer waits for by default: a handshake should not hang for API Gateway's full 29 s.</summary>
    public const int DefaultTimeoutMilliseconds = 10_000;

    private const int MaxConcurrentCalls = 256;

    // An http authorizer may refuse by status: an answer, not a failing backend to warn about.
    private static readonly IReadOnlySet<int> RefusalStatuses = new HashSet<int> { 401, 403 };

    public static IConnectAuthorizer Build(AuthorizerDefinition definition, string apiName, IntegrationServices services, IApiKeyStore keys) => definition.Type switch
    {
        "apiKey" => new ApiKeyAuthorizer(keys, definition.Header ?? "x-api-key", definition.QueryParameter),
        "jwt" => JwtAuthorizer.Create(definition, services.Environment, services.Backend.Http, services.Time, services.Loggers),
        "lambda" or "http" => BuildRequestAuthorizer(definition, apiName, services),
        _ => throw new InvalidOperationException($"unknown authorizer type '{definition.Type}'"),
    };

    private static RequestAuthorizer BuildRequestAuthorizer(AuthorizerDefinition definition, string apiName, IntegrationServices services)
    {
        IBackendTarget target;
        if (definition.Type == "lambda")
        {
            SigV4Signer? signer = null;
            if (definition.Sign == true)
            {
                signer = SigV4Signer.FromEnvironment(services.Environment, definition.Endpoint!, "lambda", services.Time)
                    ?? throw new InvalidOperationException(
                        $"the authorizer of {apiName} signs its Lambda invokes (\"sign\": true), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
            }

            target = new LambdaTarget(definition.Endpoint!, definition.Function!, signer);
        }
        else
        {
            target = new HttpTarget(definition.Uri!);
        }

        var invoker = new BackendInvoker(
            target,
            services.Backend.Http,
            TimeSpan.FromMilliseconds(definition.TimeoutMilliseconds ?? DefaultTimeoutMilliseconds),
            MaxConcurrentCalls,
            services.Loggers.CreateLogger<BackendInvoker>(),
            RefusalStatuses);
        var sources = (definition.IdentitySource ?? IdentitySources.Default)
            .Select(static s => IdentitySources.TryParse(s, out var parsed) ? parsed : throw new InvalidOperationException($"invalid identity source '{s}'"))
            .ToList();
        var cache = definition.ResultTtlSeconds is > 0 and var ttl ? new AuthorizerCache(TimeSpan.FromSeconds(ttl), services.Time) : null;
        return new RequestAuthorizer(invoker, apiName, sources, cache, services.Time);
    }
}
