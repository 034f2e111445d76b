using Switchboard.Bench.Cli;

namespace Switchboard.Bench.Client;

/// <summary>What differs between the seed's protocol and SignalR's: the handshake after the upgrade, the publish message, and how a received frame becomes message texts.</summary>
internal interface IBenchProtocol
{
    string Name { get; }

    /// <summary>A message to send on every connection every <see cref="KeepAliveInterval"/>, or null when the server keeps connections alive itself.</summary>
    byte[]? KeepAliveMessage { get; }

    TimeSpan KeepAliveInterval { get; }

    /// <summary>Runs after the WebSocket handshake, before the receive loop starts.</summary>
    Task HandshakeAsync(RawWebSocket socket, CancellationToken cancellationToken);

    /// <summary>The publish message with room for a text of <paramref name="textLength"/> bytes, which the publisher rewrites in place.</summary>
    PublishTemplate CreatePublishTemplate(int textLength);

    IFrameSink CreateSink(IMessageSink messages);

    public static IBenchProtocol For(BenchOptions options) => options.Protocol switch
    {
        ProtocolKind.SignalR => new SignalRProtocol(options.BroadcastKey),
        _ => new SeedProtocol(options.BroadcastKey, options.Action ?? SeedProtocol.DefaultAction),
    };
}

/// <summary>A complete publish message; its text is the <see cref="TextLength"/> bytes at <see cref="TextOffset"/>.</summary>
internal sealed record PublishTemplate(byte[] Message, int TextOffset, int TextLength)
{
    public Span<byte> Text => Message.AsSpan(TextOffset, TextLength);

    public static PublishTemplate Build(ReadOnlySpan<byte> prefix, int textLength, ReadOnlySpan<byte> suffix)
    {
        var message = new byte[prefix.Length + textLength + suffix.Length];
        prefix.CopyTo(message);
        suffix.CopyTo(message.AsSpan(prefix.Length + textLength));
        return new PublishTemplate(message, prefix.Length, textLength);
    }
}
