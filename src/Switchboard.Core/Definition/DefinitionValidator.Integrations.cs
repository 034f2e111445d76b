using Switchboard.Integrations;
using Switchboard.Routing;

namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static void ValidateWebSocketIntegration(string routeKey, IntegrationDefinition integration, string path, DefinitionErrors errors)
    {
        if (!ValidateType(integration, path, errors))
        {
            return;
        }

        var typePath = JsonPath.Property(path, "type");
        switch (integration.Type)
        {
            case IntegrationTypes.RegistrySave when routeKey != DefinitionValues.ConnectRoute:
                errors.Add(typePath, $"registry.save is only allowed on the {DefinitionValues.ConnectRoute} route, not on '{routeKey}'");
                break;
            case IntegrationTypes.RegistryDelete when routeKey != DefinitionValues.DisconnectRoute:
                errors.Add(typePath, $"registry.delete is only allowed on the {DefinitionValues.DisconnectRoute} route, not on '{routeKey}'");
                break;
            case IntegrationTypes.Broadcast when routeKey is DefinitionValues.ConnectRoute or DefinitionValues.DisconnectRoute:
                errors.Add(typePath, $"broadcast is not allowed on the {routeKey} route, which has no message body to send");
                break;
            case IntegrationTypes.Broadcast:
                ValidateWebSocketBroadcast(integration, path, errors);
                break;
        }

        ValidateSettingsBelong(integration, path, isRest: false, errors);
    }

    private static void ValidateRestIntegration(
        IntegrationDefinition integration,
        string path,
        IReadOnlySet<string> pathParameters,
        GatewayDefinition definition,
        DefinitionErrors errors)
    {
        if (!ValidateType(integration, path, errors))
        {
            return;
        }

        if (integration.Type == IntegrationTypes.Broadcast)
        {
            ValidateRestBroadcast(integration, path, pathParameters, definition, errors);
        }
        else
        {
            errors.Add(
                JsonPath.Property(path, "type"),
                $"{integration.Type} is only allowed on a WebSocket API's {(integration.Type == IntegrationTypes.RegistrySave ? DefinitionValues.ConnectRoute : DefinitionValues.DisconnectRoute)} route, not on a REST method");
        }

        ValidateSettingsBelong(integration, path, isRest: true, errors);
    }

    /// <summary>Whether the type is known; the settings of an unknown type are not checked, as which apply is unknown.</summary>
    private static bool ValidateType(IntegrationDefinition integration, string path, DefinitionErrors errors)
    {
        var typePath = JsonPath.Property(path, "type");
        if (string.IsNullOrEmpty(integration.Type))
        {
            errors.Add(typePath, $"a type is required; expected one of {OneOf(IntegrationTypes.All)}");
            return false;
        }

        if (!IntegrationTypes.All.Contains(integration.Type, StringComparer.Ordinal))
        {
            errors.Add(typePath, $"unknown type '{integration.Type}'; expected one of {OneOf(IntegrationTypes.All)}");
            return false;
        }

        return true;
    }

    private static void ValidateWebSocketBroadcast(IntegrationDefinition integration, string path, DefinitionErrors errors)
    {
        ValidateBodyPath(integration.Payload, JsonPath.Property(path, "payload"), "a payload", "$request.body.message", errors);
        ValidateChoice(integration.Recipients, required: false, "recipients", DefinitionValues.Recipients, JsonPath.Property(path, "recipients"), errors);

        if (integration.Secret is not { } secret)
        {
            return;
        }

        var secretPath = JsonPath.Property(path, "secret");
        ValidateBodyPath(secret.Path, JsonPath.Property(secretPath, "path"), "a path", "$request.body.key", errors);

        var envPath = JsonPath.Property(secretPath, "env");
        if (string.IsNullOrEmpty(secret.Env))
        {
            errors.Add(envPath, "an environment variable name is required; e.g. SWITCHBOARD_BROADCAST_KEY");
        }
        else if (char.IsAsciiDigit(secret.Env[0]) || !secret.Env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors.Add(envPath, $"invalid environment variable name '{secret.Env}'; expected letters, digits and '_', not starting with a digit");
        }

        if (secret.Fallback is { Length: 0 })
        {
            errors.Add(
                JsonPath.Property(secretPath, "fallback"),
                "an empty fallback is not allowed; leave fallback out to refuse every message while the variable is unset");
        }
    }

    private static void ValidateBodyPath(string? value, string path, string what, string example, DefinitionErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(path, $"{what} is required; e.g. {example}");
        }
        else if (!JsonBodyPath.TryParse(value, out _, out var error))
        {
            errors.Add(path, error);
        }
    }

    private static void ValidateRestBroadcast(
        IntegrationDefinition integration,
        string path,
        IReadOnlySet<string> pathParameters,
        GatewayDefinition definition,
        DefinitionErrors errors)
    {
        var parametersPath = JsonPath.Property(path, "requestParameters");
        foreach (var (name, expression) in integration.RequestParameters)
        {
            var parameterPath = JsonPath.Property(parametersPath, name);
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                errors.Add(parameterPath, $"invalid request parameter name '{name}'; expected letters, digits, '_', '-' and '.'");
            }

            if (!RequestParameterSource.TryParse(expression, out var source, out var expressionError))
            {
                errors.Add(parameterPath, expressionError);
            }
            else if (source.Kind == RequestParameterKind.Path && !pathParameters.Contains(source.Name))
            {
                var known = pathParameters.Count == 0 ? "the resource path has none" : $"expected one of {OneOf(pathParameters)}";
                errors.Add(parameterPath, $"unknown path parameter '{source.Name}' in '{expression}'; {known}");
            }
        }

        var messagePath = JsonPath.Property(path, "message");
        if (string.IsNullOrEmpty(integration.Message))
        {
            var known = integration.RequestParameters.Count == 0 ? "" : $"; expected one of {OneOf(integration.RequestParameters.Keys)}";
            errors.Add(messagePath, $"a message is required: the request parameter whose value is sent{known}");
        }
        else
        {
            ValidateParameterName(integration.Message, integration.RequestParameters, messagePath, errors);
        }

        ValidateChoice(
            integration.MessageFormat, required: false, "messageFormat", DefinitionValues.MessageFormats, JsonPath.Property(path, "messageFormat"), errors);
        ValidateWebSocketApiReference(integration.WebSocketApi, definition, JsonPath.Property(path, "webSocketApi"), errors);

        if (integration.StageParameter is not null)
        {
            ValidateParameterName(integration.StageParameter, integration.RequestParameters, JsonPath.Property(path, "stageParameter"), errors);
        }
    }

    private static void ValidateParameterName(string name, IReadOnlyDictionary<string, string> parameters, string path, DefinitionErrors errors)
    {
        if (parameters.ContainsKey(name))
        {
            return;
        }

        var known = parameters.Count == 0 ? "requestParameters is empty" : $"expected one of {OneOf(parameters.Keys)}";
        errors.Add(path, $"'{name}' is not a key of requestParameters; {known}");
    }

    private static void ValidateWebSocketApiReference(string? name, GatewayDefinition definition, string path, DefinitionErrors errors)
    {
        var names = definition.WebSocketApis.Select(api => api.Name).Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
        if (name is null)
        {
            if (definition.WebSocketApis.Count == 0)
            {
                errors.Add(path, "broadcast needs a WebSocket API to send to, and none is defined");
            }
            else if (definition.WebSocketApis.Count > 1)
            {
                errors.Add(path, $"a webSocketApi is required when there are several WebSocket APIs; expected one of {OneOf(names)}");
            }
        }
        else if (!names.Contains(name, StringComparer.Ordinal))
        {
            var known = names.Count > 0 ? $"expected one of {OneOf(names)}"
                : definition.WebSocketApis.Count == 0 ? "none is defined"
                : "no WebSocket API has a name";
            errors.Add(path, $"unknown WebSocket API '{name}'; {known}");
        }
    }
}
