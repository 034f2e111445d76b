namespace Switchboard.Connections;

/// <summary>
/// What a client's opening handshake said, built the same way by both handshake paths (the raw-socket middleware and
/// Kestrel's upgrade endpoint), so everything that reads the handshake ($connect events, subprotocols, authorizers)
/// is written once. It lives only until <c>$connect</c> has answered; the connection keeps just what later events
/// need (source IP, user agent, Host).
/// </summary>
public sealed class ConnectContext
{
    private IReadOnlyList<KeyValuePair<string, string>>? _query;

    /// <summary>The request path, as sent (<c>/dev</c>).</summary>
    public required string Path { get; init; }

    /// <summary>The query string without its <c>?</c>, as sent (still percent-encoded); empty when there was none.</summary>
    public string RawQuery { get; init; } = "";

    /// <summary>Whether the request target had a <c>?</c> at all (API Gateway sends query fields only then).</summary>
    public bool HasQuery { get; init; }

    /// <summary>Every header line in the order received, with the client's casing; a repeated header appears once per line.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; set; }

    /// <summary>
    /// Drops the headers and the parsed query once <c>$connect</c> has answered: the handshake code that holds this
    /// context waits for the connection's whole life, and what it holds would otherwise stay with every idle connection.
    /// </summary>
    internal void Release()
    {
        Headers = [];
        _query = [];
    }

    /// <summary>The client's address (IPv4 without the IPv6 mapping).</summary>
    public required string SourceIp { get; init; }

    /// <summary>The TCP port this server accepted the connection on (for <c>X-Forwarded-Port</c>).</summary>
    public int LocalPort { get; init; }

    /// <summary>Whether the connection arrived over TLS.</summary>
    public bool IsHttps { get; init; }

    /// <summary>The <c>Host</c> header: the domain name the client used, which API Gateway reports as <c>domainName</c>.</summary>
    public string Host => Header("Host") ?? "";

    /// <summary>The <c>User-Agent</c> header when sent, cut to its first 512 characters: it is kept for the connection's life.</summary>
    public string? UserAgent => Header("User-Agent") is { } agent && agent.Length > HandshakeHeaders.MaxUserAgentLength
        ? agent[..HandshakeHeaders.MaxUserAgentLength]
        : Header("User-Agent");

    /// <summary>The subprotocols the client offered in <c>Sec-WebSocket-Protocol</c>, in its order.</summary>
    public IReadOnlyList<string> Subprotocols =>
        [.. HeaderValues("Sec-WebSocket-Protocol")
            .SelectMany(static v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>The query string's parameters, decoded, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query => _query ??= QueryStrings.Parse(RawQuery);

    /// <summary>The first value of a header (case-insensitive name), or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every value of a header (case-insensitive name).</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(static h => h.Value);
}
