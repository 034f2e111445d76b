using Microsoft.AspNetCore.WebUtilities;
using Switchboard.Integrations;
using Switchboard.Operations;

namespace Switchboard.Connections;

/// <summary>What the client gets when <c>$connect</c> does not accept, and which of an accepting answer's headers reach the 101.</summary>
internal static class ConnectAnswers
{
    // The handshake's own headers, framing ones a backend must not change, and extensions: this server speaks none,
    // so a backend echoing permessage-deflate would make clients send frames it must refuse.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Upgrade", "Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding",
        "Keep-Alive", "Date", "Server",
    };

    /// <summary>Why a handshake is refused before <c>$connect</c> while the store refuses writes.</summary>
    public const string StoreRefusing = "the gateway's store does not accept writes at the moment (see /readyz); retry shortly";

    /// <summary>Why a handshake is refused when <c>registry.save</c> could not write the connection's row.</summary>
    public const string RegistryWriteFailed = "the connection could not be registered: the gateway's store (in a cluster, Redis) did not take the write in time; retry shortly";

    /// <summary>
    /// The refusal's status and JSON body: 502 for a failure and 504 for a timeout, as API Gateway answers, and 503 when
    /// the gateway's own store could not write the connection's row.
    /// </summary>
    public static (int Status, string Json) Refusal(RouteResult result) => result.Outcome switch
    {
        RouteOutcome.Unavailable => (503, JsonMessages.Message(RegistryWriteFailed)),
        RouteOutcome.TimedOut => (504, JsonMessages.Message("Endpoint request timed out")),
        RouteOutcome.Failed => (502, JsonMessages.Message("Internal server error")),
        _ when result.StatusCode is < 300 or > 599 => (502, JsonMessages.Message("Internal server error")),
        _ => (result.StatusCode, JsonMessages.Message(ReasonPhrases.GetReasonPhrase(result.StatusCode) is { Length: > 0 } phrase ? phrase : "Refused")),
    };

    /// <summary>The headers of an accepting <c>$connect</c> answer that may go on the 101: valid names and values, none reserved.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForUpgrade(RouteResult result)
    {
        if (result.Headers is not { Count: > 0 } headers)
        {
            return [];
        }

        // Printable ASCII only: no CR or LF to add a header line of its own, and nothing Kestrel's upgrade path refuses.
        return [.. headers.Where(static h => HandshakeHeaders.IsToken(h.Key) && !Reserved.Contains(h.Key) && Rest.ResponseHeaders.IsPrintableAscii(h.Value))];
    }
}
