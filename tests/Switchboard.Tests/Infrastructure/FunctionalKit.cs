using System.Globalization;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Switchboard.Definition;
using Switchboard.Registry;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Messages of the seed's <c>onMessage</c> route and the error frames the gateway answers with.</summary>
public static partial class SeedMessages
{
    public const string DemoKey = "1234";

    /// <summary><c>{"action":"onMessage","message":MESSAGE,"key":KEY}</c> with both values as raw JSON.</summary>
    public static string OnMessageJson(string messageJson, string keyJson = "\"1234\"") =>
        $"{{\"action\":\"onMessage\",\"message\":{messageJson},\"key\":{keyJson}}}";

    /// <summary>A broadcast of <paramref name="text"/> (plain text: no quotes or backslashes) with the demo key.</summary>
    public static string OnMessage(string text, string key = DemoKey) => OnMessageJson($"\"{text}\"", $"\"{key}\"");

    /// <summary>
    /// Asserts <paramref name="frame"/> is API Gateway's error frame byte for byte: a space after
    /// <c>"message":</c>, none after <c>"connectionId":</c> or <c>"requestId":</c>. Returns the connection and request ids.
    /// </summary>
    public static (string ConnectionId, string RequestId) AssertErrorFrame(string frame, string message)
    {
        var match = Regex.Match(frame, "^\\{\"message\": \"" + Regex.Escape(message) + "\", \"connectionId\":\"(?<c>[A-Za-z0-9_-]{16})\", \"requestId\":\"(?<r>[A-Za-z0-9_-]{16})\"\\}$");
        Assert.True(match.Success, $"expected the '{message}' error frame, got: {frame}");
        return (match.Groups["c"].Value, match.Groups["r"].Value);
    }
}

/// <summary>Helpers on <see cref="TestWebSocket"/>.</summary>
public static class TestWebSocketExtensions
{
    /// <summary>
    /// Waits for the server's close, answers it as a well-behaved client does (so the server need not wait out its
    /// close deadline), and returns the server's code.
    /// </summary>
    public static async Task<int?> ReceiveCloseAndAnswerAsync(this TestWebSocket client, TimeSpan? timeout = null)
    {
        var code = await client.ReceiveCloseAsync(timeout);
        try
        {
            await client.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or TimeoutException)
        {
            // The server may have dropped the connection already.
        }

        return code;
    }
}

/// <summary>Helpers on <see cref="GatewayServer"/> shared by the functional tests.</summary>
public static class GatewayServerExtensions
{
    /// <summary>
    /// Connects with a unique User-Agent and finds the connection's id in the registry (the <c>$connect</c> row is written
    /// before the handshake completes).
    /// </summary>
    public static async Task<(TestWebSocket Client, string Id)> ConnectWithIdAsync(this GatewayServer server, string stage = "dev", string? userAgent = null)
    {
        userAgent ??= "switchboard-tests/" + Guid.NewGuid().ToString("N");
        var client = await server.ConnectWithUserAgentAsync(stage, userAgent);
        var rows = await server.Registry.ListAsync(new ConnectionQuery()).AsTask().WaitAsync(TestWebSocket.DefaultTimeout);
        var row = rows.SingleOrDefault(r => r.UserAgent == userAgent);
        if (row is null)
        {
            await client.DisposeAsync();
            Assert.Fail($"no registry row for the connection just opened with User-Agent {userAgent}");
        }

        return (client, row.ConnectionId);
    }

    /// <summary>Opens a WebSocket to a stage sending <paramref name="userAgent"/> in the handshake.</summary>
    public static async Task<TestWebSocket> ConnectWithUserAgentAsync(this GatewayServer server, string stage, string userAgent)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("User-Agent", userAgent);
        try
        {
            await socket.ConnectAsync(server.WebSocketUri(stage), CancellationToken.None).WaitAsync(TestWebSocket.DefaultTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new TestWebSocket(socket);
    }

    /// <summary>Sends an HTTP request, optionally with an <c>x-api-key</c> header and a body.</summary>
    public static Task<HttpResponseMessage> SendAsync(this GatewayServer server, HttpMethod method, string path, string? apiKey = null, byte[]? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        return server.Http.SendAsync(request);
    }

    /// <summary>
    /// The samples of <c>GET /metrics</c> by name, labels left out (every series of one server carries the same
    /// <c>node</c> label; a name with several label sets keeps the last).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, double>> MetricsAsync(this GatewayServer server)
    {
        var text = await server.Http.GetStringAsync("/metrics");
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var labels = line.IndexOf('{');
            var name = labels < 0 ? line[..line.IndexOf(' ')] : line[..labels];
            var value = line[(line.LastIndexOf(' ') + 1)..];
            samples[name] = double.Parse(value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    /// <summary>Whether the registry still has a row for <paramref name="connectionId"/>.</summary>
    public static async Task<bool> IsRegisteredAsync(this GatewayServer server, string connectionId) =>
        await server.Registry.GetAsync(connectionId).AsTask().WaitAsync(TestWebSocket.DefaultTimeout) is not null;
}

/// <summary>Variants of the built-in definition for tests.</summary>
public static class TestDefinitions
{
    public static GatewayDefinition WithLimits(Func<LimitsDefinition, LimitsDefinition> change)
    {
        var seed = SeedDefinition.Create();
        return seed with { Limits = change(seed.Limits) };
    }

    /// <summary>The seed with its one WebSocket API changed.</summary>
    public static GatewayDefinition WithWebSocketApi(Func<WebSocketApiDefinition, WebSocketApiDefinition> change)
    {
        var seed = SeedDefinition.Create();
        return seed with { WebSocketApis = [change(seed.WebSocketApis.Single())] };
    }

    /// <summary>The seed with one more route on its WebSocket API.</summary>
    public static GatewayDefinition WithRoute(string routeKey, IntegrationDefinition integration) =>
        WithWebSocketApi(api => api with
        {
            Routes = new Dictionary<string, RouteDefinition>(api.Routes) { [routeKey] = new RouteDefinition { Integration = integration } },
        });
}
