using System.Text.Json;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Routing;

namespace Switchboard.Integrations;

/// <summary>
/// <c>broadcast</c> on a WebSocket route: the seed's broadcastMessage Lambda. Checks the optional secret, takes the
/// payload from the message, builds its text frame once and hands that one frame to every recipient.
/// </summary>
internal sealed class BroadcastIntegration(
    IMessageDelivery delivery,
    JsonBodyPath payload,
    bool includeSender,
    MessageSecret? secret) : IRouteIntegration
{
    public async ValueTask InvokeAsync(RouteInvocation invocation)
    {
        var connection = invocation.Connection;
        if (secret is not null && !HasSecret(invocation.Message.Span, secret))
        {
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.Forbidden, connection.Id, ConnectionIds.New()));
            return;
        }

        var value = JsonBody.Find(invocation.Message.Span, payload);
        if (!value.Found)
        {
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.BadRequestBody, connection.Id, ConnectionIds.New()));
            return;
        }

        var frame = WebSocketFrames.Text(value.Value(invocation.Message.Span));
        await delivery.BroadcastAsync(connection.Api, connection.Stage, frame, includeSender ? null : connection.Id).ConfigureAwait(false);
    }

    private static bool HasSecret(ReadOnlySpan<byte> message, MessageSecret secret)
    {
        // A key matches when its text (a string's value, or a number's JSON text) equals the secret (CONTRACT section 2).
        var key = JsonBody.Find(message, secret.Path);
        return key.Found
            && key.Kind is JsonTokenType.String or JsonTokenType.Number
            && secret.Value is not null
            && SecretComparer.Matches(key.Value(message), secret.Value);
    }
}

/// <summary>A secret a message must carry: where to find it in the message, and its value (null: refuse every message).</summary>
internal sealed record MessageSecret(JsonBodyPath Path, byte[]? Value);
