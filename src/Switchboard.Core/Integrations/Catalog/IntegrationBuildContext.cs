using Switchboard.Definition;

namespace Switchboard.Integrations.Catalog;

/// <summary>What a factory's build methods see: the validated settings, where they sit, and the services to use.</summary>
internal sealed record IntegrationBuildContext(
    IntegrationDefinition Integration,
    IntegrationPlacement Placement,
    string RouteKey,
    string ApiName,
    GatewayDefinition Definition,
    IntegrationServices Services);
