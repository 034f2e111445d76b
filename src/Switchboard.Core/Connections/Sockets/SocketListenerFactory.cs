using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections.Sockets;

/// <summary>
/// Kestrel's transport for TCP endpoints, replacing its socket transport: <see cref="SocketListener"/> accepts the
/// sockets, keeps the WebSocket handshakes it can take whole, and hands every other connection to Kestrel exactly as
/// Kestrel's own transport would have made it (same <see cref="SocketTransportOptions"/>). Other endpoints (Unix
/// sockets) stay with Kestrel's transport.
/// </summary>
internal sealed class SocketListenerFactory(
    IOptions<SocketTransportOptions> transportOptions,
    GatewayRuntimeHolder runtime,
    GatewayLifecycle lifecycle,
    RawHandshakes handshakes,
    TlsPorts tlsPorts,
    TimeProvider time,
    ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <summary>
    /// The options Kestrel's own transport gives its connections. Its constructor from <see cref="SocketTransportOptions"/>
    /// is internal, and it alone carries Kestrel's memory pool (pinned blocks, with eviction and metrics); the public
    /// properties are the fallback should a later ASP.NET Core drop it (connections then rent from the shared pool).
    /// </summary>
    private static SocketConnectionFactoryOptions ConnectionOptions(SocketTransportOptions transport) =>
        typeof(SocketConnectionFactoryOptions).GetConstructor(
                System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, [typeof(SocketTransportOptions)])
            ?.Invoke([transport]) as SocketConnectionFactoryOptions
        ?? new SocketConnectionFactoryOptions
        {
            IOQueueCount = transport.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = transport.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = transport.MaxReadBufferSize,
            MaxWriteBufferSize = transport.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = transport.UnsafePreferInlineScheduling,
        };

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var options = transportOptions.Value;
        System.Net.Sockets.Socket listenSocket;
        try
        {
            listenSocket = options.CreateBoundListenSocket(endpoint);
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            // Kestrel tells "in use" apart from other failures by this type (e.g. to fall back when binding localhost).
            throw new AddressInUseException(ex.Message, ex);
        }

        listenSocket.Listen(options.Backlog);
        var kestrelConnections = new SocketConnectionContextFactory(
            ConnectionOptions(options), loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        var sorter = new HandshakeSorter(runtime, lifecycle, tlsPorts, time, options.NoDelay);
        return ValueTask.FromResult<IConnectionListener>(new SocketListener(listenSocket, sorter, handshakes, kestrelConnections));
    }
}
