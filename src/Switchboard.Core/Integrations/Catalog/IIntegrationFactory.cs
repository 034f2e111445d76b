namespace Switchboard.Integrations.Catalog;

/// <summary>Where an integration sits: which events it receives.</summary>
public enum IntegrationPlacement
{
    /// <summary>A WebSocket API's <c>$connect</c> route.</summary>
    Connect,

    /// <summary>A WebSocket API's <c>$disconnect</c> route.</summary>
    Disconnect,

    /// <summary>Any other WebSocket route (<c>$default</c> and custom keys): one event per message.</summary>
    Message,

    /// <summary>A REST method.</summary>
    Rest,
}

/// <summary>
/// One integration type: its name, the settings it takes, how those are validated and how its runtime is built. The
/// validator and the runtime builder loop over the registered factories (<see cref="IntegrationCatalog"/>) instead of
/// switching on the type, so adding a type means adding a folder with its factory, its runtime and its settings
/// (declared on <see cref="Definition.IntegrationDefinition"/> as a partial in that folder).
/// </summary>
internal interface IIntegrationFactory
{
    /// <summary>The <c>type</c> value that picks this factory (<c>lambda</c>).</summary>
    string Type { get; }

    /// <summary>
    /// The settings (JSON property names of <see cref="Definition.IntegrationDefinition"/>) this type takes at
    /// <paramref name="placement"/>; the validator reports any other setting that is present.
    /// </summary>
    IReadOnlyList<string> Settings(IntegrationPlacement placement);

    /// <summary>Why the type cannot sit at <paramref name="placement"/> (an error message), or null when it can.</summary>
    string? CheckPlacement(IntegrationPlacement placement, string routeKey);

    /// <summary>Reports every problem in the settings; called only when the placement is allowed.</summary>
    void Validate(IntegrationValidationContext context);

    /// <summary>Builds the runtime for a WebSocket route (placements other than <see cref="IntegrationPlacement.Rest"/>).</summary>
    IRouteIntegration BuildRoute(IntegrationBuildContext context);

    /// <summary>Builds the runtime for a REST method.</summary>
    IRestIntegration BuildRest(IntegrationBuildContext context);
}
