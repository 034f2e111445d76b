using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Switchboard.Connections;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// API Gateway's Lambda proxy event for a WebSocket route (CONNECT, MESSAGE, DISCONNECT), field for field as API
/// Gateway sends it (docs/integrations.md shows one of each): headers only on CONNECT (the client's, in
/// case-insensitive order, without <c>Connection</c>, <c>Upgrade</c> and <c>Content-Length</c>) and DISCONNECT (API
/// Gateway's fixed four), the query string only when the URL had one, <c>messageId</c> only on MESSAGE, the close code
/// and reason only on DISCONNECT, and a binary frame's body in base64.
/// </summary>
internal static class WebSocketEvent
{
    private static readonly HashSet<string> DroppedConnectHeaders = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Upgrade", "Content-Length" };

    public static byte[] Write(RouteInvocation invocation, string apiId, string requestId, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            var connection = invocation.Connection;
            switch (invocation.EventType)
            {
                case RouteEventType.Connect when invocation.Handshake is { } handshake:
                    WriteConnectRequest(json, handshake);
                    break;
                case RouteEventType.Disconnect:
                    WriteHeaders(json, [new("Host", connection.DomainName), new("x-api-key", ""), new("X-Forwarded-For", ""), new("x-restapi", "")]);
                    break;
            }

            WriteRequestContext(json, invocation, apiId, requestId, now);
            if (invocation.EventType == RouteEventType.Message)
            {
                if (invocation.IsText)
                {
                    json.WriteString("body", invocation.Message.Span);
                }
                else
                {
                    json.WriteBase64String("body", invocation.Message.Span);
                }
            }

            json.WriteBoolean("isBase64Encoded", invocation.EventType == RouteEventType.Message && !invocation.IsText);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>API Gateway's request time: <c>dd/MMM/yyyy:HH:mm:ss +0000</c> (Common Log Format, UTC).</summary>
    public static string RequestTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);

    internal static void WriteConnectRequest(Utf8JsonWriter json, ConnectContext handshake)
    {
        var headers = new List<KeyValuePair<string, string>>(handshake.Headers.Count + 3);
        foreach (var header in handshake.Headers)
        {
            if (!DroppedConnectHeaders.Contains(header.Key))
            {
                headers.Add(header);
            }
        }

        // API Gateway is a proxy and says so; a client's own X-Forwarded-* cannot be trusted, so ours replace them.
        headers.RemoveAll(static h => h.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase));
        headers.Add(new("X-Forwarded-For", handshake.SourceIp));
        headers.Add(new("X-Forwarded-Port", handshake.LocalPort.ToString(CultureInfo.InvariantCulture)));
        headers.Add(new("X-Forwarded-Proto", handshake.IsHttps ? "https" : "http"));
        WriteHeaders(json, headers);

        if (handshake.HasQuery && handshake.Query.Count > 0)
        {
            WriteMultiMap(json, "queryStringParameters", "multiValueQueryStringParameters", handshake.Query, StringComparer.Ordinal, sort: false);
        }
    }

    private static void WriteHeaders(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        WriteMultiMap(json, "headers", "multiValueHeaders", headers, StringComparer.OrdinalIgnoreCase, sort: true);

    /// <summary>
    /// A single-value map (the last value of a repeated name, as API Gateway keeps) and a multi-value map (every value).
    /// Header names are matched case-insensitively and keep the casing first seen.
    /// </summary>
    internal static void WriteMultiMap(
        Utf8JsonWriter json,
        string singleName,
        string multiName,
        IReadOnlyList<KeyValuePair<string, string>> pairs,
        StringComparer comparer,
        bool sort)
    {
        var grouped = new Dictionary<string, List<string>>(comparer);
        var order = new List<string>();
        foreach (var (name, value) in pairs)
        {
            if (!grouped.TryGetValue(name, out var values))
            {
                grouped[name] = values = [];
                order.Add(name);
            }

            values.Add(value);
        }

        if (sort)
        {
            order.Sort(StringComparer.OrdinalIgnoreCase);
        }

        json.WriteStartObject(singleName);
        foreach (var name in order)
        {
            json.WriteString(name, grouped[name][^1]);
        }

        json.WriteEndObject();
        json.WriteStartObject(multiName);
        foreach (var name in order)
        {
            json.WriteStartArray(name);
            foreach (var value in grouped[name])
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary><c>authorizer</c>: the principal and the authorizer's context values (strings), as API Gateway passes them on.</summary>
    internal static void WriteAuthorizer(Utf8JsonWriter json, Authorizers.ConnectionIdentity identity)
    {
        json.WriteStartObject("authorizer");
        json.WriteString("principalId", identity.PrincipalId);
        foreach (var (name, value) in identity.Context)
        {
            if (name != "principalId")
            {
                json.WriteString(name, value);
            }
        }

        json.WriteEndObject();
    }

    internal static void WriteRequestContext(Utf8JsonWriter json, RouteInvocation invocation, string apiId, string requestId, DateTimeOffset now)
    {
        var connection = invocation.Connection;
        json.WriteStartObject("requestContext");
        json.WriteString("routeKey", invocation.RouteKey);
        if (invocation.EventType == RouteEventType.Message)
        {
            json.WriteString("messageId", ConnectionIds.New());
        }

        if (invocation.EventType == RouteEventType.Disconnect)
        {
            json.WriteNumber("disconnectStatusCode", connection.CloseStatus);
            json.WriteString("disconnectReason", connection.CloseReason);
        }

        json.WriteString("eventType", invocation.EventType switch
        {
            RouteEventType.Connect => "CONNECT",
            RouteEventType.Disconnect => "DISCONNECT",
            _ => "MESSAGE",
        });
        json.WriteString("extendedRequestId", requestId);
        json.WriteString("requestTime", RequestTime(now));
        json.WriteString("messageDirection", "IN");
        json.WriteString("stage", connection.Stage);
        json.WriteNumber("connectedAt", connection.ConnectedAt.ToUnixTimeMilliseconds());
        json.WriteNumber("requestTimeEpoch", now.ToUnixTimeMilliseconds());
        json.WriteStartObject("identity");
        if (connection.UserAgent is { } userAgent)
        {
            json.WriteString("userAgent", userAgent);
        }

        json.WriteString("sourceIp", connection.SourceIp);
        json.WriteEndObject();
        if (connection.Identity is { } authorized)
        {
            // What the $connect authorizer said, on every event of the connection, as API Gateway passes it on.
            WriteAuthorizer(json, authorized);
        }

        json.WriteString("requestId", requestId);
        json.WriteString("domainName", connection.DomainName);
        json.WriteString("connectionId", connection.Id);
        json.WriteString("apiId", apiId);
        json.WriteEndObject();
    }
}
