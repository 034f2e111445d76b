namespace Switchboard.Definition;

/// <summary>Connection and message limits. Every field is optional and has API Gateway's value as its default where it has one.</summary>
public sealed record LimitsDefinition
{
    /// <summary>Largest message a client may send, after joining its frames, in bytes. Default 131072 (128 KiB); over it: close 1009. At least 1.</summary>
    public int MaxMessageBytes { get; init; } = 131_072;

    /// <summary>Seconds without a message in either direction before the connection is closed with 1001. Default 600. At least 1.</summary>
    public int IdleTimeoutSeconds { get; init; } = 600;

    /// <summary>Longest a connection may live, in seconds, before it is closed with 1001. Default 7200. At least 1.</summary>
    public int MaxConnectionLifetimeSeconds { get; init; } = 7200;

    /// <summary>
    /// Seconds between WebSocket pings the server sends to check the client is there; a client that sends nothing
    /// (not even the pong) for twice this long is dropped. Default 30; 0 turns pings off.
    /// </summary>
    public int KeepAliveIntervalSeconds { get; init; } = 30;

    /// <summary>Most messages queued for one connection before it is closed with 1008. Default 4096. At least 1.</summary>
    public int OutboundQueueMessages { get; init; } = 4096;

    /// <summary>Most bytes queued for one connection before it is closed with 1008. Default 1048576 (1 MiB). At least 1.</summary>
    public int OutboundQueueBytes { get; init; } = 1_048_576;

    /// <summary>
    /// Most messages of one connection waiting for a <c>lambda</c> or <c>http</c> integration (they are handled one at a
    /// time, in order); when full, the server stops reading that socket until one is done. Default 16. At least 1.
    /// </summary>
    public int InboundQueueMessages { get; init; } = 16;

    /// <summary>
    /// Seconds a message may take to arrive whole, from its first frame's header (a frame sent in part, or a
    /// fragmented message left open); past it the connection is closed with 1008. Default 30. At least 1.
    /// </summary>
    public int MessageAssemblySeconds { get; init; } = 30;

    /// <summary>
    /// Most bytes all connections together may hold for messages still arriving (and being routed): assembly buffers
    /// are taken from this budget as payload arrives, never in advance. A connection that needs more while it is spent
    /// is closed with 1013 (try again later). Default 268435456 (256 MiB). At least <c>maxMessageBytes</c>.
    /// </summary>
    public long MessageAssemblyBudgetBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most frames one message may be split into; one more closes the connection with 1008. Default 1024. At least 1.</summary>
    public int MaxMessageFragments { get; init; } = 1024;

    /// <summary>
    /// Seconds a client has, from connecting, to send a whole request head; past it the TCP connection is closed.
    /// Applies to every HTTP request's headers too. Default 10. At least 1.
    /// </summary>
    public int HandshakeTimeoutSeconds { get; init; } = 10;

    /// <summary>Most open WebSocket connections on this node; another handshake is answered 429. Default 100000. At least 1.</summary>
    public int MaxConnections { get; init; } = 100_000;

    /// <summary>
    /// Most open WebSocket connections from one client address; another handshake from it is answered 429, and every
    /// other client is untouched. Default 20000. At least 1.
    /// </summary>
    public int MaxConnectionsPerIp { get; init; } = 20_000;

    /// <summary>
    /// Proxies (addresses, or networks as <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> header names the client:
    /// for a connection from one of them, the client's address is the last address in that header that is not itself
    /// a trusted proxy. From anyone else the header is ignored. Default none.
    /// </summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary><c>accept</c> (binary frames are routed like non-JSON text, to <c>$default</c>) or <c>reject</c> (close 1003, as API Gateway). Default <c>accept</c>.</summary>
    public string BinaryFrames { get; init; } = "accept";

    /// <summary>On shutdown, seconds to wait for clients to answer the 1001 close before dropping them. Default 10; 0 to 25.</summary>
    public int ShutdownDrainSeconds { get; init; } = 10;
}
