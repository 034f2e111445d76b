using System.Net;
using System.Text;

namespace Switchboard.Bench.Client;

/// <summary>A ws:// or http:// URL resolved once: the address to connect to and the request target and Host header to send.</summary>
internal sealed class WsEndpoint
{
    private WsEndpoint(IPEndPoint endPoint, string host, string pathAndQuery)
    {
        EndPoint = endPoint;
        Host = host;
        PathAndQuery = pathAndQuery;
        HandshakePrefix = Encoding.ASCII.GetBytes(
            $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "User-Agent: switchboard-bench\r\nSec-WebSocket-Key: ");
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The Host header's value: host, and port when not the scheme's default.</summary>
    public string Host { get; }

    public string PathAndQuery { get; }

    /// <summary>The opening handshake up to the key, which differs per connection.</summary>
    public byte[] HandshakePrefix { get; }

    public static async Task<WsEndpoint> ResolveAsync(Uri uri)
    {
        IPAddress address;
        if (!IPAddress.TryParse(uri.DnsSafeHost, out address!))
        {
            var addresses = await Dns.GetHostAddressesAsync(uri.DnsSafeHost);
            address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? addresses.First();
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var path = string.IsNullOrEmpty(uri.PathAndQuery) ? "/" : uri.PathAndQuery;
        return new WsEndpoint(new IPEndPoint(address, uri.Port), host, path);
    }
}
