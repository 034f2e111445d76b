namespace Switchboard.Connections;

/// <summary>Frame opcodes of RFC 6455 section 5.2.</summary>
internal enum WebSocketOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

/// <summary>Close codes of RFC 6455 section 7.4.1 that the gateway sends.</summary>
public static class CloseCodes
{
    public const ushort Normal = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    public const ushort NoStatus = 1005;
    public const ushort InvalidPayload = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort InternalError = 1011;

    /// <summary>"Try Again Later" (IANA registry): the server cannot take this now, e.g. its message assembly budget is spent.</summary>
    public const ushort TryAgainLater = 1013;
}
