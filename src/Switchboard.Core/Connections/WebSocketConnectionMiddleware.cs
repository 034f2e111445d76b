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
/// first request. Such a connection never gets Kestrel's HTTP objects (request and response headers, HTTP context,
/// stream wrappers), which are most of a connection's memory, and its frames go straight into the transport pipe.
/// Everything else (other requests, TLS, refusals) continues to Kestrel's HTTP stack untouched.
/// </summary>
internal sealed class WebSocketConnectionMiddleware(
    GatewayRuntimeHolder runtime,
    WebSocketSessions sessions,
    GatewayLifecycle lifecycle,
    ConnectionAdmission admission,
    TimeProvider time)
{
    // A head still incomplete after this many reads (a client dribbling bytes) is left to Kestrel's parser and limits.
    private const int MaxHeadReads = 256;

    public async Task OnConnectionAsync(ConnectionContext context, ConnectionDelegate next)
    {
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

        await RunAsync(context, request).ConfigureAwait(false);
    }

    private async Task RunAsync(ConnectionContext context, HandshakeRequest request)
    {
        var current = runtime.Current;
        current.TryMatchWebSocket(request.Path, out var api, out var stage);
        var output = context.Transport.Output;
        var sourceIp = current.TrustedProxies.ClientAddress(
            (context.RemoteEndPoint as IPEndPoint)?.Address,
            request.Headers.Where(static h => string.Equals(h.Key, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase)).Select(static h => h.Value));
        if (admission.TryAdmit(sourceIp, current.Limits.MaxConnections, current.Limits.MaxConnectionsPerIp) is { } refusal)
        {
            await WriteRefusalAsync(output, StatusCodes.Status429TooManyRequests, JsonMessages.Message(refusal)).ConfigureAwait(false);
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
                LocalPort = (context.LocalEndPoint as IPEndPoint)?.Port ?? 0,
                IsHttps = false,
            };
            var connection = sessions.Create(api, stage, handshake, current);
            var connected = await sessions.ConnectAsync(api, connection, handshake).ConfigureAwait(false);
            if (!connected.IsSuccessStatus)
            {
                var (status, body) = ConnectAnswers.Refusal(connected);
                await WriteRefusalAsync(output, status, body).ConfigureAwait(false);
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
            await sessions.RunAsync(api, connection, async () =>
            {
                var flushed = await output.WriteAsync(switching).ConfigureAwait(false);
                return flushed.IsCompleted ? null : (context.Transport, context.Abort);
            }).ConfigureAwait(false);
        }
        finally
        {
            admission.Release(sourceIp);
        }
    }

    private static async Task WriteRefusalAsync(PipeWriter output, int status, string body) =>
        await output.WriteAsync(Encoding.UTF8.GetBytes(
            $"HTTP/1.1 {status} {ReasonPhrases.GetReasonPhrase(status)}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}")).ConfigureAwait(false);
}
