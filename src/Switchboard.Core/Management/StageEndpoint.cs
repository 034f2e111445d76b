using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchboard.Delivery;
using Switchboard.Groups;
using Switchboard.Operations;
using Switchboard.Routing;

namespace Switchboard.Management;

/// <summary>
/// Sends to many in one call, beyond API Gateway (where every broadcast is a scan and one post per recipient):
/// <c>POST /{stage}/@connections</c> to the whole stage, and the <c>@groups</c> API: join, leave, send, list.
/// Each send builds its frame once and fans out as a broadcast does; <c>sent</c> counts the connections it was handed to.
/// </summary>
internal sealed class StageEndpoint(IMessageDelivery delivery, GroupMembership groups, ManagementAccess access, GatewayMetrics metrics)
{
    /// <summary><c>POST /{stage}/@connections</c>.</summary>
    public async Task BroadcastAsync(HttpContext http, WebSocketApiRuntime api, string stage, GatewayRuntime runtime)
    {
        metrics.ManagementRequest();
        var body = await access.AuthorizeAsync(http, api.Name, stage, "@connections", runtime.Limits.MaxMessageBytes).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "POST";
            await HttpAnswers.JsonAsync(http, StatusCodes.Status405MethodNotAllowed, JsonMessages.Message(
                $"{http.Request.Method} is not supported on @connections; POST sends to every connection of the stage")).ConfigureAwait(false);
            return;
        }

        var sent = await delivery.SendToAllAsync(api.Name, stage, ManagementRequests.FrameOf(body), null, FanOutMode.Count, http.RequestAborted).ConfigureAwait(false);
        await AnswerFanOutAsync(http, sent, "a send to the whole stage").ConfigureAwait(false);
    }

    /// <summary><c>/{stage}/@groups/{group}</c> (POST sends, GET lists) and <c>/{stage}/@groups/{group}/{id}</c> (PUT joins, DELETE leaves).</summary>
    public async Task GroupsAsync(HttpContext http, WebSocketApiRuntime api, string stage, string rest, GatewayRuntime runtime)
    {
        metrics.ManagementRequest();
        var body = await access.AuthorizeAsync(http, api.Name, stage, $"@groups/{rest}", runtime.Limits.MaxMessageBytes).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var slash = rest.IndexOf('/');
        var group = slash < 0 ? rest : rest[..slash];
        var connectionId = slash < 0 ? null : rest[(slash + 1)..];
        if (!GroupNames.IsValid(group))
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status400BadRequest, JsonMessages.Message(
                $"invalid group name '{group}'; expected {GroupNames.Rule}"), "BadRequestException").ConfigureAwait(false);
            return;
        }

        var method = http.Request.Method;
        if (connectionId is null)
        {
            if (HttpMethods.IsPost(method))
            {
                await SendAsync(http, api, stage, group, body).ConfigureAwait(false);
            }
            else if (HttpMethods.IsGet(method))
            {
                await ListAsync(http, api, stage, group).ConfigureAwait(false);
            }
            else
            {
                await NotAllowedAsync(http, "GET, POST", "a group: POST sends to its members, GET lists them").ConfigureAwait(false);
            }

            return;
        }

        if (HttpMethods.IsPut(method))
        {
            var joined = Connections.ConnectionIds.IsWellFormed(connectionId)
                ? await groups.JoinAsync(api.Name, stage, group, connectionId, http.RequestAborted).ConfigureAwait(false)
                : DeliveryStatus.Gone;
            if (joined == DeliveryStatus.Done)
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else
            {
                await ManagementRequests.FailedAsync(http, joined, "adding this connection to a group").ConfigureAwait(false);
            }
        }
        else if (HttpMethods.IsDelete(method))
        {
            var left = await groups.LeaveAsync(api.Name, stage, group, connectionId, http.RequestAborted).ConfigureAwait(false);
            if (left == DeliveryStatus.Done)
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            else
            {
                await ManagementRequests.FailedAsync(http, left, "taking this connection out of a group").ConfigureAwait(false);
            }
        }
        else
        {
            await NotAllowedAsync(http, "PUT, DELETE", "a group member: PUT joins, DELETE leaves").ConfigureAwait(false);
        }
    }

    private async Task SendAsync(HttpContext http, WebSocketApiRuntime api, string stage, string group, byte[] body)
    {
        var sent = await delivery.SendToGroupAsync(api.Name, stage, group, ManagementRequests.FrameOf(body), null, FanOutMode.Count, http.RequestAborted).ConfigureAwait(false);
        await AnswerFanOutAsync(http, sent, "a send to the group").ConfigureAwait(false);
    }

    /// <summary>200 with the count when every node answered; 503 (saying how many were reached) when one did not.</summary>
    private static Task AnswerFanOutAsync(HttpContext http, FanOutResult sent, string what) => sent.Complete
        ? HttpAnswers.JsonAsync(http, StatusCodes.Status200OK, $"{{\"sent\":{sent.Sent}}}")
        : HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message(
            $"Service unavailable: {what} reached {sent.Sent} connections, but some node of the cluster could not be reached through Redis in time, so its connections may have missed it; retry shortly"),
            "ServiceUnavailableException");

    private async Task ListAsync(HttpContext http, WebSocketApiRuntime api, string stage, string group)
    {
        var members = await groups.ListAsync(api.Name, stage, group, http.RequestAborted).ConfigureAwait(false);
        await HttpAnswers.JsonAsync(http, StatusCodes.Status200OK, JsonSerializer.Serialize(new GroupListing(members), ManagementJsonContext.Default.GroupListing)).ConfigureAwait(false);
    }

    private static Task NotAllowedAsync(HttpContext http, string allow, string what)
    {
        http.Response.Headers.Allow = allow;
        return HttpAnswers.JsonAsync(http, StatusCodes.Status405MethodNotAllowed, JsonMessages.Message($"{http.Request.Method} is not supported on {what}"));
    }
}
