using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.Definition;
using Switchboard.Groups;
using Switchboard.Integrations.Catalog;
using Switchboard.Routing;

namespace Switchboard.Integrations.Broadcast;

/// <summary>
/// <c>broadcast</c>: on a WebSocket route, the seed's broadcastMessage (a payload from the message to the stage or a
/// group, with an optional secret); on a REST method, the seed's broadcastAPIMessage behind its mapping template.
/// </summary>
internal sealed partial class BroadcastFactory : IIntegrationFactory
{
    public const string TypeName = "broadcast";

    private static readonly IReadOnlyList<string> RouteSettings = ["payload", "recipients", "secret", "group"];
    private static readonly IReadOnlyList<string> RestSettings = ["requestParameters", "message", "messageFormat", "webSocketApi", "stageParameter"];

    public string Type => TypeName;

    public IReadOnlyList<string> Settings(IntegrationPlacement placement) =>
        placement == IntegrationPlacement.Rest ? RestSettings : RouteSettings;

    public string? CheckPlacement(IntegrationPlacement placement, string routeKey) =>
        placement is IntegrationPlacement.Connect or IntegrationPlacement.Disconnect
            ? $"broadcast is not allowed on the {routeKey} route, which has no message body to send"
            : null;

    public void Validate(IntegrationValidationContext context)
    {
        if (context.Placement == IntegrationPlacement.Rest)
        {
            RestBroadcastSettings.Validate(context);
        }
        else
        {
            ValidateRoute(context);
        }
    }

    public IRouteIntegration BuildRoute(IntegrationBuildContext context)
    {
        var integration = context.Integration;
        var group = integration.Group is null ? null : GroupReference.Parse(integration.Group);
        return new BroadcastIntegration(
            context.Services.Delivery,
            ParsePath(integration.Payload ?? ""),
            string.Equals(integration.Recipients, DefinitionValues.RecipientsAll, StringComparison.Ordinal),
            integration.Secret is null ? null : ResolveSecret(context, integration.Secret),
            group);
    }

    public IRestIntegration BuildRest(IntegrationBuildContext context) => RestBroadcastSettings.Build(context);

    private static void ValidateRoute(IntegrationValidationContext context)
    {
        var integration = context.Integration;
        context.BodyPath(integration.Payload, context.PathOf("payload"), "a payload", "$request.body.message");
        context.Choice(integration.Recipients, required: false, "recipients", DefinitionValues.Recipients);
        if (integration.Group is not null)
        {
            GroupReference.Validate(integration.Group, context.PathOf("group"), context);
        }

        if (integration.Secret is not { } secret)
        {
            return;
        }

        var secretPath = context.PathOf("secret");
        context.BodyPath(secret.Path, JsonPath.Property(secretPath, "path"), "a path", "$request.body.key");

        var envPath = JsonPath.Property(secretPath, "env");
        if (string.IsNullOrEmpty(secret.Env))
        {
            context.Add(envPath, "an environment variable name is required; e.g. SWITCHBOARD_BROADCAST_KEY");
        }
        else if (char.IsAsciiDigit(secret.Env[0]) || !secret.Env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            context.Add(envPath, $"invalid environment variable name '{secret.Env}'; expected letters, digits and '_', not starting with a digit");
        }

        if (secret.Fallback is { Length: 0 })
        {
            context.Add(
                JsonPath.Property(secretPath, "fallback"),
                "an empty fallback is not allowed; leave fallback out to refuse every message while the variable is unset");
        }
    }

    private static MessageSecret ResolveSecret(IntegrationBuildContext context, SecretDefinition secret)
    {
        var logger = context.Services.Loggers.CreateLogger<BroadcastFactory>();
        var value = context.Services.Environment(secret.Env);
        if (string.IsNullOrEmpty(value))
        {
            value = secret.Fallback;
            if (value is null)
            {
                LogSecretMissing(logger, context.ApiName, context.RouteKey, secret.Env);
            }
            else
            {
                LogSecretFallback(logger, context.ApiName, context.RouteKey, secret.Env);
            }
        }

        return new MessageSecret(ParsePath(secret.Path), value is null ? null : Encoding.UTF8.GetBytes(value));
    }

    private static JsonBodyPath ParsePath(string text) =>
        JsonBodyPath.TryParse(text, out var path, out var error) ? path : throw new InvalidOperationException(error);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "{Env} is not set: route {RouteKey} of API {Api} uses the built-in demo secret. Set {Env} before exposing this gateway.")]
    private static partial void LogSecretFallback(ILogger logger, string api, string routeKey, string env);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{Env} is not set and route {RouteKey} of API {Api} has no fallback: every message to it is refused.")]
    private static partial void LogSecretMissing(ILogger logger, string api, string routeKey, string env);
}
