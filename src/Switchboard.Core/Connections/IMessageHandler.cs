namespace Switchboard.Connections;

/// <summary>What a connection hands each complete message to (the router).</summary>
internal interface IMessageHandler
{
    /// <summary>
    /// Handles one message. <paramref name="message"/> is valid only until the returned task completes; the receive
    /// loop does not read the next message before then, so a connection's messages are handled in order.
    /// </summary>
    ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText);
}
