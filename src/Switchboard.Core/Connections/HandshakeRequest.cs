using System.Buffers;
using System.Text;

namespace Switchboard.Connections;

/// <summary>
/// The head of an HTTP/1.1 request read straight off the socket, as far as a WebSocket handshake needs it. Anything
/// this does not fully understand is left to Kestrel's HTTP stack, so the parser only has to be right about what it
/// accepts.
/// </summary>
internal sealed class HandshakeRequest
{
    /// <summary>Longest request head read on the raw socket; longer ones go to Kestrel, which has its own limits.</summary>
    public const int MaxHeadBytes = 8192;

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    public string Path { get; private init; } = "";

    public string Key { get; private init; } = "";

    /// <summary>The query string after <c>?</c>, still encoded; empty when none.</summary>
    public string RawQuery { get; private init; } = "";

    public bool HasQuery { get; private init; }

    /// <summary>Every header line, in order, with the client's casing; empty after <see cref="ReleaseHeaders"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; private set; } = [];

    /// <summary>
    /// Drops the header lines once the handshake is answered: the async methods that carry this request stay alive
    /// for the connection's whole life, and a kilobyte of header strings per idle connection adds up.
    /// </summary>
    public void ReleaseHeaders() => Headers = [];

    public enum ParseStatus
    {
        /// <summary>The head is not complete yet.</summary>
        NeedMoreData,

        /// <summary>Not a WebSocket handshake this parser takes; hand the bytes to Kestrel untouched.</summary>
        NotHandled,

        /// <summary>A complete, valid WebSocket handshake.</summary>
        WebSocket,
    }

    /// <summary>
    /// Parses the request head at the start of <paramref name="buffer"/>. <paramref name="scanned"/> is how many bytes
    /// earlier calls already searched for the head's end (0 at first): only the new bytes are searched, so a head that
    /// arrives a byte at a time costs linear time, not quadratic.
    /// </summary>
    public static ParseStatus TryParse(in ReadOnlySequence<byte> buffer, ref long scanned, out HandshakeRequest? request, out SequencePosition headEnd)
    {
        request = null;
        headEnd = buffer.Start;

        // Cheap early exit for everything but a GET (including TLS and HTTP/2 prefaces).
        if (buffer.Length >= 4 && !buffer.Slice(0, 4).ToArray().AsSpan().SequenceEqual("GET "u8))
        {
            return ParseStatus.NotHandled;
        }

        // The delimiter may straddle the old and the new bytes: look back three.
        var from = Math.Max(0, scanned - (HeadEnd.Length - 1));
        var reader = new SequenceReader<byte>(buffer.Slice(from));
        if (!reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd, advancePastDelimiter: true))
        {
            scanned = buffer.Length;
            return buffer.Length >= MaxHeadBytes ? ParseStatus.NotHandled : ParseStatus.NeedMoreData;
        }

        headEnd = reader.Position;
        var head = buffer.Slice(0, buffer.Slice(0, headEnd).Length - HeadEnd.Length);
        if (head.Length > MaxHeadBytes)
        {
            return ParseStatus.NotHandled;
        }

        // Latin-1 keeps every byte one char, so nothing is lost before we reject non-ASCII paths.
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0] != "GET" || requestLine[2] != "HTTP/1.1")
        {
            return ParseStatus.NotHandled;
        }

        var target = requestLine[1];
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        if (path.Length == 0 || path[0] != '/' || path.Any(static c => c is '%' or > '\u007e' or < '!'))
        {
            // Escaped or unusual paths: Kestrel decodes and normalizes them.
            return ParseStatus.NotHandled;
        }

        string? upgrade = null, connection = null, key = null, version = null;
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0)
            {
                return ParseStatus.NotHandled;
            }

            var name = lines[i][..colon];
            var value = lines[i][(colon + 1)..].Trim(' ', '\t');
            headers.Add(new(name, value));
            switch (name.ToLowerInvariant())
            {
                case "upgrade": upgrade = value; break;
                case "connection": connection = value; break;
                case "sec-websocket-key": key = value; break;
                case "sec-websocket-version": version = value; break;
                case "content-length" when value != "0": return ParseStatus.NotHandled;
                case "transfer-encoding": return ParseStatus.NotHandled;
            }
        }

        // Broken header rules are answered 400 by the HTTP path, from the one place that words the refusal.
        if (HandshakeHeaders.Problem(headers) is not null)
        {
            return ParseStatus.NotHandled;
        }

        if (!string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase)
            || connection is null
            || !connection.Split(',').Any(static token => token.Trim().Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            || version != "13"
            || !WebSocketHandshake.IsValidKey(key))
        {
            // Kestrel's HTTP path answers these with the right status and a message.
            return ParseStatus.NotHandled;
        }

        request = new HandshakeRequest
        {
            Path = path,
            Key = key!,
            RawQuery = query < 0 ? "" : target[(query + 1)..],
            HasQuery = query >= 0,
            Headers = headers,
        };
        return ParseStatus.WebSocket;
    }
}
