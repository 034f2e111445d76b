using System.Buffers;
using System.Text.Json;
using Switchboard.Integrations;
using Switchboard.Integrations.Backend;

namespace Switchboard.Authorizers;

/// <summary>
/// The event a REQUEST authorizer gets, as API Gateway sends it for a WebSocket <c>$connect</c>: <c>type</c>
/// <c>REQUEST</c>, the <c>methodArn</c> of the route (no HTTP verb, ending in <c>/$connect</c>), the handshake's
/// headers and query string, the stage variables, and the CONNECT request context with the connection id already given.
/// </summary>
internal static class AuthorizerEvent
{
    public static byte[] Write(AuthorizerRequest request, string apiId, string methodArn, string requestId, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "REQUEST");
            json.WriteString("methodArn", methodArn);
            WebSocketEvent.WriteConnectRequest(json, request.Handshake);
            json.WriteStartObject("stageVariables");
            foreach (var (name, value) in request.StageVariables)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            var invocation = new RouteInvocation(request.Connection, RouteEventType.Connect, "$connect", default, false, request.Handshake);
            WebSocketEvent.WriteRequestContext(json, invocation, apiId, requestId, now);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
