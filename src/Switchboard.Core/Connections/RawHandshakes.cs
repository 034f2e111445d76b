using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// The way both raw-socket paths run a WebSocket handshake once its head is parsed (<see cref="Sockets.SocketListener"/>,
/// which owns the socket, and <see cref="WebSocketConnectionMiddleware"/>, which reads and writes Kestrel's transport
/// pipes): admission, <c>$connect</c>, then the 101 or a refusal written straight to the socket, then the connection.
/// </summary>
internal sealed partial class RawHandshakes(GatewayRuntimeHolder runtime, WebSocketSessions sessions, ConnectionAdmission admission, ILogger<RawHandshakes> logger)
{
    /// <summary>
    /// Runs the handshake <paramref name="request"/> (already matched to a WebSocket API) and then the connection;
    /// returns when it is over, with the transport closed. Never throws: a failure is logged and the client dropped.
    /// </summary>
    public async Task RunAsync(HandshakeRequest request, EndPoint? remote, EndPoint? local, IRawHandshakeTransport transport)
    {
        try
        {
            await RunHandshakeAsync(request, remote, local, transport).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHandshakeFailed(logger, ex);
        }
        finally
        {
            transport.Close();
        }
    }

    private async Task RunHandshakeAsync(HandshakeRequest request, EndPoint? remote, EndPoint? local, IRawHandshakeTransport transport)
    {
        var current = runtime.Current;
        if (!current.TryMatchWebSocket(request.Path, out var api, out var stage))
        {
            // The definition was reloaded without this path since the head was matched.
            await transport.RefuseAsync(Refusal(StatusCodes.Status404NotFound, JsonMessages.Message("Not Found"))).ConfigureAwait(false);
            return;
        }

        var sourceIp = current.TrustedProxies.ClientAddress(
            (remote as IPEndPoint)?.Address,
            request.Headers.Where(static h => string.Equals(h.Key, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase)).Select(static h => h.Value));
        if (admission.TryAdmit(sourceIp, current.Limits.MaxConnections, current.Limits.MaxConnectionsPerIp) is { } refusal)
        {
            await transport.RefuseAsync(Refusal(StatusCodes.Status429TooManyRequests, JsonMessages.Message(refusal))).ConfigureAwait(false);
            return;
        }

        // One method, not two: its state machine lives as long as the connection, and every idle connection pays for it.
        try
        {
            var handshake = new ConnectContext
            {
                Path = request.Path,
                RawQuery = request.RawQuery,
                HasQuery = request.HasQuery,
                Headers = request.Headers,
                SourceIp = sourceIp,
                LocalPort = (local as IPEndPoint)?.Port ?? 0,
                IsHttps = false,
            };
            var connection = sessions.Create(api, stage, handshake, current);
            var connected = await sessions.ConnectAsync(api, connection, handshake).ConfigureAwait(false);
            if (!connected.IsSuccessStatus)
            {
                var (status, body) = ConnectAnswers.Refusal(connected);
                await transport.RefuseAsync(Refusal(status, body)).ConfigureAwait(false);
                return;
            }

            var extraHeaders = new StringBuilder();
            foreach (var (name, value) in ConnectAnswers.ForUpgrade(connected))
            {
                extraHeaders.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            var switching = Encoding.Latin1.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {WebSocketHandshake.ComputeAccept(request.Key)}\r\n{extraHeaders}\r\n");
            request.ReleaseHeaders();
            handshake.Release();
            await sessions.RunAsync(api, connection, () => transport.AcceptAsync(switching)).ConfigureAwait(false);
        }
        finally
        {
            admission.Release(sourceIp);
        }
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "A WebSocket handshake failed unexpectedly; the client was dropped")]
    private static partial void LogHandshakeFailed(ILogger logger, Exception exception);

    /// <summary>A complete HTTP/1.1 response with a JSON body that ends the connection.</summary>
    public static byte[] Refusal(int status, string body) =>
        Encoding.UTF8.GetBytes(
            $"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");
}

/// <summary>How a raw-socket handshake writes its answer and, once accepted, what the connection runs over.</summary>
internal interface IRawHandshakeTransport
{
    /// <summary>Writes a refusal; the connection is closed after it.</summary>
    ValueTask RefuseAsync(byte[] response);

    /// <summary>Writes the 101 and returns the transport for the connection, or null when the client is already gone.</summary>
    Task<ConnectionTransport?> AcceptAsync(byte[] switchingProtocols);

    /// <summary>The handshake and its connection are over: closes what the connection did not already close.</summary>
    void Close();
}
