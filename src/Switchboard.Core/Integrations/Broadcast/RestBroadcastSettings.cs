using Switchboard.Definition;
using Switchboard.Integrations.Catalog;

namespace Switchboard.Integrations.Broadcast;

/// <summary>Validation and building of a <c>broadcast</c> on a REST method: request parameter mapping and the target WebSocket API.</summary>
internal static class RestBroadcastSettings
{
    public static void Validate(IntegrationValidationContext context)
    {
        var integration = context.Integration;
        var parametersPath = context.PathOf("requestParameters");
        foreach (var (name, expression) in integration.RequestParameters)
        {
            var parameterPath = JsonPath.Property(parametersPath, name);
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                context.Add(parameterPath, $"invalid request parameter name '{name}'; expected letters, digits, '_', '-' and '.'");
            }

            if (!RequestParameterSource.TryParse(expression, out var source, out var expressionError))
            {
                context.Add(parameterPath, expressionError);
            }
            else if (source.Kind == RequestParameterKind.Path && !context.PathParameters.Contains(source.Name))
            {
                var known = context.PathParameters.Count == 0 ? "the resource path has none" : $"expected one of {IntegrationValidationContext.OneOf(context.PathParameters)}";
                context.Add(parameterPath, $"unknown path parameter '{source.Name}' in '{expression}'; {known}");
            }
        }

        var messagePath = context.PathOf("message");
        if (string.IsNullOrEmpty(integration.Message))
        {
            var known = integration.RequestParameters.Count == 0 ? "" : $"; expected one of {IntegrationValidationContext.OneOf(integration.RequestParameters.Keys)}";
            context.Add(messagePath, $"a message is required: the request parameter whose value is sent{known}");
        }
        else
        {
            ValidateParameterName(integration.Message, integration.RequestParameters, messagePath, context);
        }

        context.Choice(integration.MessageFormat, required: false, "messageFormat", DefinitionValues.MessageFormats);
        ValidateWebSocketApiReference(integration.WebSocketApi, context.Definition, context.PathOf("webSocketApi"), context);

        if (integration.StageParameter is not null)
        {
            ValidateParameterName(integration.StageParameter, integration.RequestParameters, context.PathOf("stageParameter"), context);
        }
    }

    public static RestBroadcastIntegration Build(IntegrationBuildContext context)
    {
        var integration = context.Integration;
        var parameters = new Dictionary<string, RequestParameterSource>(StringComparer.Ordinal);
        foreach (var (name, expression) in integration.RequestParameters)
        {
            if (!RequestParameterSource.TryParse(expression, out var source, out var error))
            {
                throw new InvalidOperationException(error);
            }

            parameters.Add(name, source);
        }

        var definition = context.Definition;
        var target = integration.WebSocketApi is null
            ? definition.WebSocketApis.Single()
            : definition.WebSocketApis.Single(a => a.Name == integration.WebSocketApi);
        var message = integration.Message!;
        return new RestBroadcastIntegration(
            context.Services.Delivery,
            parameters,
            message,
            DisplayName(message, integration.RequestParameters[message]),
            string.Equals(integration.MessageFormat, DefinitionValues.MessageFormatPositiveNumber, StringComparison.Ordinal),
            target.Name,
            target.Stages.Keys.ToHashSet(StringComparer.Ordinal),
            integration.StageParameter);
    }

    /// <summary>The name the caller knows a parameter by: <c>progId</c> for <c>$input.params('progId')</c>.</summary>
    private static string DisplayName(string parameter, string expression)
    {
        var quote = expression.IndexOf('\'');
        if (expression.StartsWith("$input.params('", StringComparison.Ordinal) && expression.EndsWith("')", StringComparison.Ordinal))
        {
            return expression[(quote + 1)..^2];
        }

        return expression.StartsWith("method.request.", StringComparison.Ordinal) ? expression[(expression.LastIndexOf('.') + 1)..] : parameter;
    }

    private static void ValidateParameterName(string name, IReadOnlyDictionary<string, string> parameters, string path, IntegrationValidationContext context)
    {
        if (parameters.ContainsKey(name))
        {
            return;
        }

        var known = parameters.Count == 0 ? "requestParameters is empty" : $"expected one of {IntegrationValidationContext.OneOf(parameters.Keys)}";
        context.Add(path, $"'{name}' is not a key of requestParameters; {known}");
    }

    private static void ValidateWebSocketApiReference(string? name, GatewayDefinition definition, string path, IntegrationValidationContext context)
    {
        var names = definition.WebSocketApis.Select(api => api.Name).Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
        if (name is null)
        {
            if (definition.WebSocketApis.Count == 0)
            {
                context.Add(path, "broadcast needs a WebSocket API to send to, and none is defined");
            }
            else if (definition.WebSocketApis.Count > 1)
            {
                context.Add(path, $"a webSocketApi is required when there are several WebSocket APIs; expected one of {IntegrationValidationContext.OneOf(names)}");
            }
        }
        else if (!names.Contains(name, StringComparer.Ordinal))
        {
            var known = names.Count > 0 ? $"expected one of {IntegrationValidationContext.OneOf(names)}"
                : definition.WebSocketApis.Count == 0 ? "none is defined"
                : "no WebSocket API has a name";
            context.Add(path, $"unknown WebSocket API '{name}'; {known}");
        }
    }
}
