using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Management;

/// <summary>
/// The <c>@connections</c> management API (AWS ApiGatewayManagementApi): POST sends to a connection, GET describes it,
/// DELETE closes it. Shapes and errors as the AWS service model gives them (docs/integrations.md), so the AWS CLI and
/// SDKs work against <c>http://HOST:PORT/{stage}</c>.
/// </summary>
internal sealed class ConnectionsEndpoint(IMessageDelivery delivery, ManagementAccess access, GatewayMetrics metrics)
{
    public async Task HandleAsync(HttpContext http, WebSocketApiRuntime api, string stage, string connectionId, GatewayRuntime runtime)
    {
        metrics.ManagementRequest();
        var body = await access.AuthorizeAsync(http, api.Name, stage, $"@connections/{connectionId}", runtime.Limits.MaxMessageBytes).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var method = http.Request.Method;
        if (HttpMethods.IsPost(method))
        {
            await PostAsync(http, api, stage, connectionId, body).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(method))
        {
            await GetAsync(http, api, stage, connectionId).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(method))
        {
            var closed = ConnectionIds.IsWellFormed(connectionId)
                ? await delivery.CloseAsync(api.Name, stage, connectionId, CloseCodes.Normal, "", http.RequestAborted).ConfigureAwait(false)
                : DeliveryStatus.Gone;
            if (closed == DeliveryStatus.Done)
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else
            {
                await ManagementRequests.FailedAsync(http, closed, "closing this connection").ConfigureAwait(false);
            }
        }
        else
        {
            http.Response.Headers.Allow = "GET, POST, DELETE";
            await HttpAnswers.JsonAsync(http, StatusCodes.Status405MethodNotAllowed, JsonMessages.Message($"{method} is not supported on @connections; use POST, GET or DELETE")).ConfigureAwait(false);
        }
    }

    private async Task PostAsync(HttpContext http, WebSocketApiRuntime api, string stage, string connectionId, byte[] body)
    {
        if (!ConnectionIds.IsWellFormed(connectionId))
        {
            await ManagementRequests.GoneAsync(http).ConfigureAwait(false);
            return;
        }

        var frame = ManagementRequests.FrameOf(body);
        var sent = await delivery.SendToConnectionAsync(api.Name, stage, connectionId, frame, http.RequestAborted).ConfigureAwait(false);
        if (sent == DeliveryStatus.Done)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
        }
        else
        {
            await ManagementRequests.FailedAsync(http, sent, "posting to this connection").ConfigureAwait(false);
        }
    }

    private async Task GetAsync(HttpContext http, WebSocketApiRuntime api, string stage, string connectionId)
    {
        var found = ConnectionIds.IsWellFormed(connectionId)
            ? await delivery.GetConnectionAsync(api.Name, stage, connectionId, http.RequestAborted).ConfigureAwait(false)
            : new ConnectionLookup(DeliveryStatus.Gone, null);
        if (found.Connection is not { } connection)
        {
            await ManagementRequests.FailedAsync(http, found.Status, "describing this connection").ConfigureAwait(false);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("connectedAt", Iso(connection.ConnectedAt));
            json.WriteStartObject("identity");
            json.WriteString("sourceIp", connection.SourceIp);
            if (connection.UserAgent is not null)
            {
                json.WriteString("userAgent", connection.UserAgent);
            }

            json.WriteEndObject();
            json.WriteString("lastActiveAt", Iso(connection.LastActiveAt));
            if (connection.Identity is { } authorized)
            {
                // Beyond API Gateway's GetConnection: who the authorizer admitted (SDKs ignore fields they do not know).
                Integrations.Backend.WebSocketEvent.WriteAuthorizer(json, authorized);
            }

            json.WriteEndObject();
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
