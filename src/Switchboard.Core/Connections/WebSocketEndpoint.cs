using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Connections;

/// <summary>
/// WebSocket handshakes that reach Kestrel's HTTP stack: those <see cref="WebSocketConnectionMiddleware"/> did not take
/// on the raw socket (TLS, a handshake after other requests on a keep-alive connection) and every refusal (426, 400,
/// 503 while starting, stopping or while the store refuses writes), which this answers with a JSON message.
/// </summary>
internal sealed class WebSocketEndpoint(WebSocketSessions sessions, GatewayLifecycle lifecycle, ConnectionAdmission admission)
{
    // After the upgrade Kestrel hands over the socket as a Stream (Request.Body reads nothing then), read as an owned
    // socket is (ConnectionTransport.ReadOptions); the writer coalesces a burst into one write.
    private static readonly StreamPipeWriterOptions OutputOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    public async Task HandleAsync(HttpContext http, WebSocketApiRuntime api, string stage, GatewayRuntime runtime)
    {
        if (!WebSocketHandshake.IsWebSocketRequest(http))
        {
            http.Response.Headers.Upgrade = "websocket";
            await HttpAnswers.JsonAsync(http, StatusCodes.Status426UpgradeRequired, JsonMessages.Message(
                $"Upgrade Required: this is the WebSocket endpoint of stage '{stage}'; connect with a WebSocket client (e.g. npx wscat -c ws://HOST{http.Request.Path})")).ConfigureAwait(false);
            return;
        }

        if (!WebSocketHandshake.TryValidate(http, out var acceptKey, out var status, out var problem))
        {
            await HttpAnswers.JsonAsync(http, status, JsonMessages.Message(problem)).ConfigureAwait(false);
            return;
        }

        if (!lifecycle.IsAccepting)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message("the gateway is starting or shutting down; retry shortly")).ConfigureAwait(false);
            return;
        }

        if (lifecycle.StoreRefusing)
        {
            // At once, before $connect: its registry write would only wait for its deadline and fail.
            await HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message(ConnectAnswers.StoreRefusing)).ConfigureAwait(false);
            return;
        }

        var handshake = Handshake(http, runtime.TrustedProxies);
        if (HandshakeHeaders.Problem(handshake.Headers) is { } headerProblem)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status400BadRequest, JsonMessages.Message(headerProblem)).ConfigureAwait(false);
            return;
        }

        if (admission.TryAdmit(handshake.SourceIp, runtime.Limits.MaxConnections, runtime.Limits.MaxConnectionsPerIp) is { } refusal)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status429TooManyRequests, JsonMessages.Message(refusal)).ConfigureAwait(false);
            return;
        }

        try
        {
            await RunAdmittedAsync(http, api, stage, runtime, handshake, acceptKey).ConfigureAwait(false);
        }
        finally
        {
            admission.Release(handshake.SourceIp);
        }
    }

    private async Task RunAdmittedAsync(HttpContext http, WebSocketApiRuntime api, string stage, GatewayRuntime runtime, ConnectContext handshake, string acceptKey)
    {
        var connection = sessions.Create(api, stage, handshake, runtime);
        var connected = await sessions.ConnectAsync(api, connection, handshake).ConfigureAwait(false);
        if (!connected.IsSuccessStatus)
        {
            var (refusal, body) = ConnectAnswers.Refusal(connected);
            await HttpAnswers.JsonAsync(http, refusal, body).ConfigureAwait(false);
            return;
        }

        handshake.Release();

        await sessions.RunAsync(api, connection, async () =>
        {
            var upgrade = http.Features.Get<IHttpUpgradeFeature>()!;
            http.Response.Headers.Connection = "Upgrade";
            http.Response.Headers.Upgrade = "websocket";
            http.Response.Headers.SecWebSocketAccept = acceptKey;
            foreach (var (name, value) in ConnectAnswers.ForUpgrade(connected))
            {
                http.Response.Headers.Append(name, value);
            }

            try
            {
                var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
                return new ConnectionTransport(PipeReader.Create(stream, ConnectionTransport.ReadOptions), PipeWriter.Create(stream, OutputOptions), null, http.Abort);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                return null;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The handshake as <see cref="ConnectContext"/>, from Kestrel's parsed request (every header line, in order).</summary>
    private static ConnectContext Handshake(HttpContext http, TrustedProxies proxies)
    {
        var request = http.Request;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }

        return new ConnectContext
        {
            Path = request.Path.Value ?? "",
            RawQuery = request.QueryString.HasValue ? request.QueryString.Value![1..] : "",
            HasQuery = request.QueryString.HasValue,
            Headers = headers,
            SourceIp = proxies.ClientAddress(http.Connection.RemoteIpAddress, request.Headers["X-Forwarded-For"].Select(static v => v ?? "")),
            LocalPort = http.Connection.LocalPort,
            IsHttps = request.IsHttps,
        };
    }
}
