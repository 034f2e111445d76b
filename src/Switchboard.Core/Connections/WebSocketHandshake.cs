using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.Connections;

/// <summary>The server side of the RFC 6455 opening handshake (section 4.2).</summary>
internal static class WebSocketHandshake
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static bool IsWebSocketRequest(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
        && string.Equals(context.Request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the handshake's headers; on failure says which status to answer and why.</summary>
    public static bool TryValidate(HttpContext context, out string acceptKey, out int failureStatus, out string failureMessage)
    {
        acceptKey = "";
        failureStatus = StatusCodes.Status400BadRequest;
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method))
        {
            failureMessage = "a WebSocket handshake must be a GET request";
            return false;
        }

        if (request.Headers.SecWebSocketVersion.ToString() != "13")
        {
            failureStatus = StatusCodes.Status426UpgradeRequired;
            failureMessage = "unsupported Sec-WebSocket-Version; this server speaks version 13";
            context.Response.Headers.SecWebSocketVersion = "13";
            return false;
        }

        var key = request.Headers.SecWebSocketKey.ToString();
        if (!IsValidKey(key))
        {
            failureMessage = "missing or malformed Sec-WebSocket-Key";
            return false;
        }

        acceptKey = ComputeAccept(key);
        failureMessage = "";
        return true;
    }

    /// <summary>A Sec-WebSocket-Key is 16 random bytes in base64 (RFC 6455 section 4.1).</summary>
    public static bool IsValidKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[32];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    public static string ComputeAccept(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }
}
