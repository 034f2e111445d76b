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
    TimeProvider time,
    ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
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
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = options.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = options.MaxReadBufferSize,
                MaxWriteBufferSize = options.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
            },
            loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        var sorter = new HandshakeSorter(runtime, lifecycle, time, options.NoDelay);
        return ValueTask.FromResult<IConnectionListener>(new SocketListener(listenSocket, sorter, handshakes, kestrelConnections));
    }
}
