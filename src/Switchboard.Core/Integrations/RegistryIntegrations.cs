using Switchboard.Connections;
using Switchboard.Registry;

namespace Switchboard.Integrations;

/// <summary><c>registry.save</c> on <c>$connect</c>: the seed's saveClientConnection Lambda, writing the registry row.</summary>
internal sealed class RegistrySaveIntegration(IConnectionRegistry registry, NodeIdentity node) : IRouteIntegration
{
    public async ValueTask InvokeAsync(RouteInvocation invocation)
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
            node.RunId)).ConfigureAwait(false);
        connection.IsRegistered = true;
    }
}

/// <summary><c>registry.delete</c> on <c>$disconnect</c>: the seed's deleteClientConnection Lambda, removing the row.</summary>
internal sealed class RegistryDeleteIntegration(IConnectionRegistry registry) : IRouteIntegration
{
    public async ValueTask InvokeAsync(RouteInvocation invocation)
    {
        await registry.RemoveAsync(invocation.Connection.Id).ConfigureAwait(false);
        invocation.Connection.IsRegistered = false;
    }
}
