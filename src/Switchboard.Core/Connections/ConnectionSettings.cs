using Switchboard.Definition;

namespace Switchboard.Connections;

/// <summary>The limits one connection enforces, resolved once from the definition so the hot path reads fields, not options.</summary>
internal sealed record ConnectionSettings(
    int MaxMessageBytes,
    bool RejectBinary,
    int OutboundQueueMessages,
    long OutboundQueueBytes,
    int MaxMessageFragments,
    TimeSpan CloseHandshakeTimeout)
{
    public static ConnectionSettings From(LimitsDefinition limits) => new(
        limits.MaxMessageBytes,
        string.Equals(limits.BinaryFrames, "reject", StringComparison.Ordinal),
        limits.OutboundQueueMessages,
        limits.OutboundQueueBytes,
        limits.MaxMessageFragments,
        // Long enough for a client that paused reading to take the queued data and the close frame, short enough that a
        // vanished peer does not pin a socket.
        TimeSpan.FromSeconds(10));
}
