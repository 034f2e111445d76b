namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    /// <summary>Reports every setting that the integration's type, on this kind of API, does not take.</summary>
    private static void ValidateSettingsBelong(IntegrationDefinition integration, string path, bool isRest, DefinitionErrors errors)
    {
        foreach (var setting in SettingsSet(integration))
        {
            var settingPath = JsonPath.Property(path, setting);
            if (integration.Type != IntegrationTypes.Broadcast)
            {
                errors.Add(settingPath, $"'{setting}' does not apply to {integration.Type}, which takes no settings");
            }
            else if (isRest && !DefinitionValues.RestBroadcastSettings.Contains(setting))
            {
                errors.Add(
                    settingPath,
                    $"'{setting}' applies only to a broadcast on a WebSocket route; a REST method's broadcast takes {OneOf(DefinitionValues.RestBroadcastSettings)}");
            }
            else if (!isRest && !DefinitionValues.WebSocketBroadcastSettings.Contains(setting))
            {
                errors.Add(
                    settingPath,
                    $"'{setting}' applies only to a broadcast on a REST method; a WebSocket route's broadcast takes {OneOf(DefinitionValues.WebSocketBroadcastSettings)}");
            }
        }
    }

    private static IEnumerable<string> SettingsSet(IntegrationDefinition integration)
    {
        if (integration.Payload is not null)
        {
            yield return "payload";
        }

        if (integration.Recipients is not null)
        {
            yield return "recipients";
        }

        if (integration.Secret is not null)
        {
            yield return "secret";
        }

        if (integration.RequestParameters.Count > 0)
        {
            yield return "requestParameters";
        }

        if (integration.Message is not null)
        {
            yield return "message";
        }

        if (integration.MessageFormat is not null)
        {
            yield return "messageFormat";
        }

        if (integration.WebSocketApi is not null)
        {
            yield return "webSocketApi";
        }

        if (integration.StageParameter is not null)
        {
            yield return "stageParameter";
        }
    }
}
