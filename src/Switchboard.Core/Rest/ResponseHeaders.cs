namespace Switchboard.Rest;

/// <summary>
/// Which headers of a backend's answer reach the client: valid names and printable ASCII values, and none that would
/// change how the response is framed or that the server owns (API Gateway remaps those too). A backend cannot break
/// the response or add header lines of its own.
/// </summary>
internal static class ResponseHeaders
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Upgrade", "Content-Length", "Transfer-Encoding", "Date", "Server", "Trailer", "TE",
        "Proxy-Connection", "Content-Type",
    };

    public static IEnumerable<KeyValuePair<string, string>> Allowed(IReadOnlyList<KeyValuePair<string, string>>? headers) =>
        headers is null ? [] : headers.Where(static h => Connections.HandshakeHeaders.IsToken(h.Key) && !Reserved.Contains(h.Key) && IsPrintableAscii(h.Value));

    public static bool IsPrintableAscii(string value) => value.All(static c => c == '\t' || (c >= ' ' && c < '\u007f'));
}
