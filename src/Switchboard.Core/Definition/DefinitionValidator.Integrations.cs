using System.Text.Json.Serialization.Metadata;
using Switchboard.Integrations.Catalog;

namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static readonly IReadOnlySet<string> NoPathParameters = new HashSet<string>();

    private static void ValidateWebSocketIntegration(string routeKey, IntegrationDefinition integration, string path, GatewayDefinition definition, DefinitionErrors errors)
    {
        var placement = routeKey switch
        {
            DefinitionValues.ConnectRoute => IntegrationPlacement.Connect,
            DefinitionValues.DisconnectRoute => IntegrationPlacement.Disconnect,
            _ => IntegrationPlacement.Message,
        };
        ValidateIntegration(new IntegrationValidationContext(integration, path, placement, routeKey, definition, NoPathParameters, errors));
    }

    private static void ValidateRestIntegration(
        IntegrationDefinition integration,
        string path,
        IReadOnlySet<string> pathParameters,
        GatewayDefinition definition,
        DefinitionErrors errors) =>
        ValidateIntegration(new IntegrationValidationContext(integration, path, IntegrationPlacement.Rest, "", definition, pathParameters, errors));

    /// <summary>The type, its placement, its own settings (the factory checks them), then every setting it does not take.</summary>
    private static void ValidateIntegration(IntegrationValidationContext context)
    {
        var catalog = IntegrationCatalog.Default;
        var integration = context.Integration;
        var typePath = context.PathOf("type");
        if (string.IsNullOrEmpty(integration.Type))
        {
            context.Add(typePath, $"a type is required; expected one of {OneOf(catalog.TypeNames)}");
            return;
        }

        // The settings of an unknown type are not checked, as which apply is unknown.
        if (catalog.Find(integration.Type) is not { } factory)
        {
            context.Add(typePath, $"unknown type '{integration.Type}'; expected one of {OneOf(catalog.TypeNames)}");
            return;
        }

        if (factory.CheckPlacement(context.Placement, context.RouteKey) is { } misplaced)
        {
            context.Add(typePath, misplaced);
        }
        else
        {
            factory.Validate(context);
        }

        ValidateSettingsBelong(factory, context);
    }

    /// <summary>Reports every setting present that the type does not take at this placement.</summary>
    private static void ValidateSettingsBelong(IIntegrationFactory factory, IntegrationValidationContext context)
    {
        var taken = factory.Settings(context.Placement);
        var isRest = context.Placement == IntegrationPlacement.Rest;
        var other = factory.Settings(isRest ? IntegrationPlacement.Message : IntegrationPlacement.Rest);
        foreach (var setting in SettingsSet(context.Integration))
        {
            if (taken.Contains(setting, StringComparer.Ordinal))
            {
                continue;
            }

            var settingPath = context.PathOf(setting);
            if (taken.Count == 0 && other.Count == 0)
            {
                context.Add(settingPath, $"'{setting}' does not apply to {factory.Type}, which takes no settings");
            }
            else if (other.Contains(setting, StringComparer.Ordinal))
            {
                var (there, here) = isRest ? ("a WebSocket route", "a REST method") : ("a REST method", "a WebSocket route");
                context.Add(settingPath, $"'{setting}' applies only to a {factory.Type} on {there}; {here}'s {factory.Type} takes {OneOf(taken)}");
            }
            else
            {
                context.Add(settingPath, $"'{setting}' does not apply to {factory.Type}; it takes {OneOf(taken)}");
            }
        }
    }

    /// <summary>The settings present, read off the model's JSON metadata so a type's new settings need no change here.</summary>
    private static IEnumerable<string> SettingsSet(IntegrationDefinition integration)
    {
        var type = (JsonTypeInfo<IntegrationDefinition>)DefinitionJson.Options.GetTypeInfo(typeof(IntegrationDefinition));
        foreach (var property in type.Properties)
        {
            if (property.Name == "type" || property.Get?.Invoke(integration) is not { } value)
            {
                continue;
            }

            if (value is System.Collections.ICollection { Count: 0 })
            {
                continue;
            }

            yield return property.Name;
        }
    }
}
