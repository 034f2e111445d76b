using System.Text;
using Switchboard.Connections;
using Switchboard.Templates;

namespace Switchboard.Integrations.Backend;

/// <summary>What a mapping template sees (<c>$input</c>, <c>$context</c>, <c>$stageVariables</c>) for a WebSocket event or a REST request.</summary>
internal static class TemplateInputs
{
    public static TemplateInput ForRoute(RouteInvocation invocation, string apiId, string requestId, DateTimeOffset now)
    {
        var connection = invocation.Connection;
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["routeKey"] = invocation.RouteKey,
            ["eventType"] = invocation.EventType switch
            {
                RouteEventType.Connect => "CONNECT",
                RouteEventType.Disconnect => "DISCONNECT",
                _ => "MESSAGE",
            },
            ["connectionId"] = connection.Id,
            ["connectedAt"] = connection.ConnectedAt.ToUnixTimeMilliseconds(),
            ["domainName"] = connection.DomainName,
            ["stage"] = connection.Stage,
            ["apiId"] = apiId,
            ["requestId"] = requestId,
            ["extendedRequestId"] = requestId,
            ["requestTime"] = WebSocketEvent.RequestTime(now),
            ["requestTimeEpoch"] = now.ToUnixTimeMilliseconds(),
            ["identity"] = Identity(connection.SourceIp, connection.UserAgent),
        };
        if (invocation.EventType == RouteEventType.Message)
        {
            context["messageId"] = ConnectionIds.New();
        }

        return new TemplateInput
        {
            Body = invocation.EventType == RouteEventType.Message
                ? invocation.IsText ? Encoding.UTF8.GetString(invocation.Message.Span) : Convert.ToBase64String(invocation.Message.Span)
                : "",
            QueryParameters = invocation.Handshake?.Query ?? [],
            Headers = invocation.Handshake?.Headers ?? [],
            Context = context,
        };
    }

    public static TemplateInput ForRest(RestInvocation invocation, string apiId, string requestId, DateTimeOffset now)
    {
        var request = invocation.Http.Request;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            headers.Add(new(name, values.ToString()));
        }

        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["apiId"] = apiId,
            ["domainName"] = request.Host.Value,
            ["httpMethod"] = request.Method,
            ["path"] = request.Path.Value,
            ["protocol"] = request.Protocol,
            ["requestId"] = requestId,
            ["extendedRequestId"] = requestId,
            ["requestTime"] = WebSocketEvent.RequestTime(now),
            ["requestTimeEpoch"] = now.ToUnixTimeMilliseconds(),
            ["resourcePath"] = invocation.ResourcePath,
            ["stage"] = invocation.Stage,
            ["identity"] = Identity(SourceAddresses.Format(invocation.Http.Connection.RemoteIpAddress), request.Headers.UserAgent.Count > 0 ? request.Headers.UserAgent.ToString() : null),
        };

        return new TemplateInput
        {
            Body = Encoding.UTF8.GetString(invocation.Body.Span),
            PathParameters = [.. invocation.PathParameters],
            QueryParameters = QueryStrings.Parse(request.QueryString.HasValue ? request.QueryString.Value![1..] : ""),
            Headers = headers,
            Context = context,
            StageVariables = invocation.StageVariables,
        };
    }

    private static Dictionary<string, object?> Identity(string sourceIp, string? userAgent) => new(StringComparer.Ordinal)
    {
        ["sourceIp"] = sourceIp,
        ["userAgent"] = userAgent,
    };
}
