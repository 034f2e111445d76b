using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// Kestrel connection middleware that takes a WebSocket handshake straight off the socket when it is the connection's
/// first request and <see cref="Sockets.SocketListener"/> did not already take it (its head did not arrive whole in
/// time, or the endpoint is not on Switchboard's listener). Such a connection never gets Kestrel's HTTP objects (request and response headers, HTTP context,
/// stream wrappers), which are most of a connection's memory, and its frames go straight into the transport pipe.
/// Everything else (other requests, TLS, refusals) continues to Kestrel's HTTP stack untouched.
/// </summary>
internal sealed class WebSocketConnectionMiddleware(
    GatewayRuntimeHolder runtime,
    RawHandshakes handshakes,
    Sockets.TlsPorts tlsPorts,
    GatewayLifecycle lifecycle,
    TimeProvider time)
{
    // A head still incomplete after this many reads (a client dribbling bytes) is left to Kestrel's parser and limits.
    private const int MaxHeadReads = 256;

    public async Task OnConnectionAsync(ConnectionContext context, ConnectionDelegate next)
    {
        // This middleware runs before Kestrel's TLS: on a TLS port it must not serve what a client sends in the clear.
        if (tlsPorts.IsTls(context.LocalEndPoint))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var input = context.Transport.Input;
        HandshakeRequest? request = null;
        long scanned = 0;
        var reads = 0;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(runtime.Current.Limits.HandshakeTimeoutSeconds), time))
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The head did not arrive in time (limits.handshakeTimeoutSeconds): close the TCP connection.
                    context.Abort(new ConnectionAbortedException("the request head did not arrive within limits.handshakeTimeoutSeconds"));
                    return;
                }

                var buffer = result.Buffer;
                var status = HandshakeRequest.TryParse(buffer, ref scanned, out request, out var headEnd);
                if (status == HandshakeRequest.ParseStatus.NeedMoreData && !result.IsCompleted && !result.IsCanceled && ++reads < MaxHeadReads)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                if (status == HandshakeRequest.ParseStatus.WebSocket
                    && runtime.Current.TryMatchWebSocket(request!.Path, out _, out _)
                    && lifecycle.TakesHandshakes)
                {
                    input.AdvanceTo(headEnd);
                }
                else
                {
                    // Nothing consumed or examined: Kestrel reads the same bytes again.
                    request = null;
                    input.AdvanceTo(buffer.Start);
                }

                break;
            }
        }

        if (request is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        await handshakes.RunAsync(request, context.RemoteEndPoint, context.LocalEndPoint, new PipeHandshakeTransport(context)).ConfigureAwait(false);
    }

    /// <summary>Answers the handshake through Kestrel's transport pipes; the connection keeps writing through them.</summary>
    private sealed class PipeHandshakeTransport(ConnectionContext context) : IRawHandshakeTransport
    {
        public async ValueTask RefuseAsync(byte[] response) => await context.Transport.Output.WriteAsync(response).ConfigureAwait(false);

        public async Task<ConnectionTransport?> AcceptAsync(byte[] switchingProtocols)
        {
            var flushed = await context.Transport.Output.WriteAsync(switchingProtocols).ConfigureAwait(false);
            return flushed.IsCompleted ? null : ConnectionTransport.OverPipe(context.Transport, context.Abort);
        }

        // Kestrel closes its connection when the middleware returns.
        public void Close()
        {
        }
    }
}
