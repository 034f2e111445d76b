using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Connections.Sockets;

/// <summary>
/// The ports Kestrel serves with TLS (<c>https://</c> listen addresses, with their real ports once bound). Bytes that
/// arrive on them are encrypted: the raw-socket paths must leave such connections to Kestrel, or a client speaking
/// plain HTTP to a TLS port would be served without TLS. A port is judged by its number alone, so an address list
/// that uses one number for both (on different interfaces) only loses the fast path there.
/// </summary>
internal sealed class TlsPorts(IServiceProvider services)
{
    private HashSet<int>? _ports;

    /// <summary>Whether <paramref name="local"/> (a connection's local end) is on a TLS port.</summary>
    /// <remarks>
    /// Read once the server has started (its addresses are final then); before that no handshake is taken off a socket
    /// anyway (<see cref="Operations.GatewayLifecycle.TakesHandshakes"/>), so an unknown port counts as TLS.
    /// </remarks>
    public bool IsTls(EndPoint? local)
    {
        var ports = Volatile.Read(ref _ports) ?? Load();
        return ports is null || local is not IPEndPoint endpoint || ports.Contains(endpoint.Port);
    }

    private HashSet<int>? Load()
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.Count == 0 || addresses.Any(static a => a.EndsWith(":0", StringComparison.Ordinal)))
        {
            return null;
        }

        var ports = new HashSet<int>();
        foreach (var address in addresses)
        {
            if (address.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                ports.Add(uri.Port);
            }
        }

        Volatile.Write(ref _ports, ports);
        return ports;
    }
}
