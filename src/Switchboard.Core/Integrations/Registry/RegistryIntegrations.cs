using Switchboard.Connections;
using Switchboard.Registry;

namespace Switchboard.Integrations.Registry;

/// <summary><c>registry.save</c> on <c>$connect</c>: the seed's saveClientConnection Lambda, writing the registry row.</summary>
internal sealed class RegistrySaveIntegration(IConnectionRegistry registry, NodeIdentity node) : IRouteIntegration
{
    public bool RunsInline => true;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        var connection = invocation.Connection;
        await registry.AddAsync(new ConnectionRecord(
            connection.Id,
            connection.Api,
            connection.Stage,
            connection.ConnectedAt,
            connection.LastActiveAt,
            connection.SourceIp,
            connection.UserAgent,
            node.NodeId,
            node.RunId), cancellationToken).ConfigureAwait(false);
        connection.IsRegistered = true;
        return RouteResult.Ok;
    }
}

/// <summary><c>registry.delete</c> on <c>$disconnect</c>: the seed's deleteClientConnection Lambda, removing the row.</summary>
internal sealed class RegistryDeleteIntegration(IConnectionRegistry registry) : IRouteIntegration
{
    public bool RunsInline => true;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        await registry.RemoveAsync(invocation.Connection.Id, cancellationToken).ConfigureAwait(false);
        invocation.Connection.IsRegistered = false;
        return RouteResult.Ok;
    }
}
