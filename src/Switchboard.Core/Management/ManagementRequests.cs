using System.Buffers;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Switchboard.Connections;
using Switchboard.Operations;

namespace Switchboard.Management;

/// <summary>What every management request shares: how the body is read, and the answers for gone connections.</summary>
internal static class ManagementRequests
{
    /// <summary>The body, or null (answered 413) when it is longer than <paramref name="limit"/>.</summary>
    public static async ValueTask<byte[]?> ReadBodyAsync(HttpContext http, int limit)
    {
        var body = await ReadBoundedAsync(http.Request, limit).ConfigureAwait(false);
        if (body is null)
        {
            await HttpAnswers.JsonAsync(http, StatusCodes.Status413PayloadTooLarge, JsonMessages.Message(
                $"Request body exceeds the message limit of {limit} bytes (limits.maxMessageBytes)"), "PayloadTooLargeException").ConfigureAwait(false);
        }

        return body;
    }

    /// <summary>One frame for a posted body: text when the bytes are valid UTF-8, binary otherwise.</summary>
    public static byte[] FrameOf(byte[] body) =>
        WebSocketFrames.Build(Utf8.IsValid(body) ? WebSocketOpcode.Text : WebSocketOpcode.Binary, body);

    public static Task GoneAsync(HttpContext http) =>
        HttpAnswers.JsonAsync(http, StatusCodes.Status410Gone, JsonMessages.Message("Gone: no open connection with this id on this stage"), "GoneException");

    /// <summary>
    /// A call that needed another node of the cluster and could not reach it: 503, never a success for a send that
    /// may not have happened (docs/clustering.md).
    /// </summary>
    public static Task UnavailableAsync(HttpContext http, string what) =>
        HttpAnswers.JsonAsync(http, StatusCodes.Status503ServiceUnavailable, JsonMessages.Message(
            $"Service unavailable: {what} needs another node of the cluster, which could not be reached through Redis in time; retry shortly"),
            "ServiceUnavailableException");

    /// <summary>The answer for a status from the delivery seam that is not a success: 410, 429 or 503.</summary>
    public static Task FailedAsync(HttpContext http, Delivery.DeliveryStatus status, string what) => status switch
    {
        Delivery.DeliveryStatus.QueueFull => HttpAnswers.JsonAsync(http, StatusCodes.Status429TooManyRequests, JsonMessages.Message(
            "The connection's outbound queue was full; it has been closed with 1008"), "LimitExceededException"),
        Delivery.DeliveryStatus.Unavailable => UnavailableAsync(http, what),
        _ => GoneAsync(http),
    };

    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
