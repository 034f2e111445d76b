using System.Text;
using Switchboard.Connections;

namespace Switchboard.Routing;

/// <summary>
/// The error frames API Gateway sends to the caller, byte for byte: a space after <c>"message":</c>, none after
/// <c>"connectionId":</c> or <c>"requestId":</c> (as captured from API Gateway; docs/integrations.md). Ids are <c>[A-Za-z0-9_-]</c>, so need no escaping.
/// </summary>
internal static class ErrorFrames
{
    public const string Forbidden = "Forbidden";
    public const string BadRequestBody = "Bad request body";
    public const string InternalServerError = "Internal server error";
    public const string EndpointTimedOut = "Endpoint request timed out";
    public const string TooManyRequests = "Too Many Requests";
    public const string LimitExceeded = "Limit Exceeded";

    /// <summary>A broadcast reached this node's recipients but could not be handed to the other nodes (Redis unreachable).</summary>
    public const string ServiceUnavailable = "Service Unavailable";

    public static string Text(string message, string connectionId, string requestId) =>
        $"{{\"message\": \"{message}\", \"connectionId\":\"{connectionId}\", \"requestId\":\"{requestId}\"}}";

    public static byte[] Frame(string message, string connectionId, string requestId) =>
        WebSocketFrames.Build(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Text(message, connectionId, requestId)));
}
