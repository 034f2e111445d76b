using System.Text.Json;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Groups;
using Switchboard.Routing;

namespace Switchboard.Integrations.Broadcast;

/// <summary>
/// <c>broadcast</c> on a WebSocket route: the seed's broadcastMessage Lambda. Checks the optional secret, takes the
/// payload from the message, builds its text frame once and hands that one frame to every recipient: the whole stage,
/// or the members of a group.
/// </summary>
internal sealed class BroadcastIntegration(
    IMessageDelivery delivery,
    JsonBodyPath payload,
    bool includeSender,
    MessageSecret? secret,
    GroupReference? group) : IRouteIntegration
{
    public bool RunsInline => true;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        var connection = invocation.Connection;
        var message = invocation.Message.Span;
        if (secret is not null && !HasSecret(message, secret))
        {
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.Forbidden, connection.Id, ConnectionIds.New()));
            return RouteResult.Ok;
        }

        var value = JsonBody.Find(message, payload);
        string? groupName = null;
        if (!value.Found || (group is not null && !group.TryResolve(message, out groupName)))
        {
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.BadRequestBody, connection.Id, ConnectionIds.New()));
            return RouteResult.Ok;
        }

        var frame = WebSocketFrames.Text(value.Value(message));
        var except = includeSender ? null : connection.Id;
        var sent = groupName is null
            ? await delivery.SendToAllAsync(connection.Api, connection.Stage, frame, except, FanOutMode.HandOff, cancellationToken).ConfigureAwait(false)
            : await delivery.SendToGroupAsync(connection.Api, connection.Stage, groupName, frame, except, FanOutMode.HandOff, cancellationToken).ConfigureAwait(false);
        if (!sent.Complete)
        {
            // This node's recipients have it; the other nodes' may not (Redis unreachable): the sender is told.
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.ServiceUnavailable, connection.Id, ConnectionIds.New()));
        }

        return RouteResult.Ok;
    }

    private static bool HasSecret(ReadOnlySpan<byte> message, MessageSecret secret)
    {
        // A key matches when its text (a string's value, or a number's JSON text) equals the secret (docs/integrations.md).
        var key = JsonBody.Find(message, secret.Path);
        return key.Found
            && key.Kind is JsonTokenType.String or JsonTokenType.Number
            && secret.Value is not null
            && SecretComparer.Matches(key.Value(message), secret.Value);
    }
}

/// <summary>A secret a message must carry: where to find it in the message, and its value (null: refuse every message).</summary>
internal sealed record MessageSecret(JsonBodyPath Path, byte[]? Value);
