using Switchboard.Connections;
using Switchboard.Registry;

namespace Switchboard.Integrations.Registry;

/// <summary>
/// <c>registry.save</c> on <c>$connect</c>: the seed's saveClientConnection Lambda, writing the registry row. A write
/// the store refuses or does not finish within <see cref="RegistryWrites.Deadline"/> refuses the handshake with 503.
/// </summary>
internal sealed class RegistrySaveIntegration(RegistryWrites registry, NodeIdentity node) : IRouteIntegration
{
    public bool RunsInline => true;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        var connection = invocation.Connection;
        var saved = await registry.SaveAsync(LiveConnectionRows.RecordOf(connection, node)).ConfigureAwait(false);
        if (!saved)
        {
            return RouteResult.Unavailable;
        }

        connection.IsRegistered = true;
        return RouteResult.Ok;
    }
}

/// <summary>
/// <c>registry.delete</c> on <c>$disconnect</c>: the seed's deleteClientConnection Lambda, removing the row; a removal
/// the store refuses is retried until it succeeds (<see cref="PendingRemovals"/>).
/// </summary>
internal sealed class RegistryDeleteIntegration(RegistryWrites registry) : IRouteIntegration
{
    public bool RunsInline => true;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        await registry.RemoveAsync(invocation.Connection.Id).ConfigureAwait(false);
        invocation.Connection.IsRegistered = false;
        return RouteResult.Ok;
    }
}
