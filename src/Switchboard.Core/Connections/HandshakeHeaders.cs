namespace Switchboard.Connections;

/// <summary>
/// The header rules both handshake paths enforce (400 when broken, never silently ignored): every header name is an
/// RFC 9110 token, no value holds a control byte (below 0x20 but tab, or 0x7F: a bare CR or LF would let one header
/// line smuggle another), and there is a <c>Host</c>. The raw-socket path hands a head that breaks them to Kestrel's
/// HTTP stack, where <see cref="WebSocketEndpoint"/> answers with this message, so the refusal has one source.
/// </summary>
internal static class HandshakeHeaders
{
    /// <summary>Longest <c>User-Agent</c> kept with a connection (registry, events); the rest is cut.</summary>
    public const int MaxUserAgentLength = 512;

    /// <summary>What is wrong with the headers, or null.</summary>
    public static string? Problem(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var hasHost = false;
        foreach (var (name, value) in headers)
        {
            if (!IsToken(name))
            {
                return "malformed header name: a name is one or more of letters, digits and !#$%&'*+-.^_`|~";
            }

            if (HasControlByte(value))
            {
                return $"the value of header {name} holds a control character";
            }

            hasHost |= string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase);
        }

        return hasHost ? null : "the Host header is missing";
    }

    /// <summary>An RFC 9110 token: the rule for every header name, received or sent (the 101, backend answers).</summary>
    public static bool IsToken(string name) =>
        name.Length > 0 && name.All(static c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static bool HasControlByte(string value) => value.Any(static c => (c < ' ' && c != '\t') || c == '\u007f');
}
