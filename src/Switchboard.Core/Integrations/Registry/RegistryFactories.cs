using Switchboard.Definition;
using Switchboard.Integrations.Catalog;

namespace Switchboard.Integrations.Registry;

/// <summary><c>registry.save</c>: allowed on <c>$connect</c> only; takes no settings.</summary>
internal sealed class RegistrySaveFactory : IIntegrationFactory
{
    public string Type => "registry.save";

    public IReadOnlyList<string> Settings(IntegrationPlacement placement) => [];

    public string? CheckPlacement(IntegrationPlacement placement, string routeKey) => placement switch
    {
        IntegrationPlacement.Connect => null,
        IntegrationPlacement.Rest => $"{Type} is only allowed on a WebSocket API's {DefinitionValues.ConnectRoute} route, not on a REST method",
        _ => $"{Type} is only allowed on the {DefinitionValues.ConnectRoute} route, not on '{routeKey}'",
    };

    public void Validate(IntegrationValidationContext context)
    {
    }

    public IRouteIntegration BuildRoute(IntegrationBuildContext context) =>
        new RegistrySaveIntegration(context.Services.Registry, context.Services.Node);

    public IRestIntegration BuildRest(IntegrationBuildContext context) => throw new InvalidOperationException($"{Type} has no REST form");
}

/// <summary><c>registry.delete</c>: allowed on <c>$disconnect</c> only; takes no settings.</summary>
internal sealed class RegistryDeleteFactory : IIntegrationFactory
{
    public string Type => "registry.delete";

    public IReadOnlyList<string> Settings(IntegrationPlacement placement) => [];

    public string? CheckPlacement(IntegrationPlacement placement, string routeKey) => placement switch
    {
        IntegrationPlacement.Disconnect => null,
        IntegrationPlacement.Rest => $"{Type} is only allowed on a WebSocket API's {DefinitionValues.DisconnectRoute} route, not on a REST method",
        _ => $"{Type} is only allowed on the {DefinitionValues.DisconnectRoute} route, not on '{routeKey}'",
    };

    public void Validate(IntegrationValidationContext context)
    {
    }

    public IRouteIntegration BuildRoute(IntegrationBuildContext context) => new RegistryDeleteIntegration(context.Services.Registry);

    public IRestIntegration BuildRest(IntegrationBuildContext context) => throw new InvalidOperationException($"{Type} has no REST form");
}
