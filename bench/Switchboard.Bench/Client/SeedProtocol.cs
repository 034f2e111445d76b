using System.Text;

namespace Switchboard.Bench.Client;

/// <summary>
/// The seed's protocol (the README): publish <c>{"action":"onMessage","message":TEXT,"key":SECRET}</c>; every other
/// connection receives TEXT as the whole text frame. <c>--action</c> names another route in place of <c>onMessage</c>.
/// </summary>
internal sealed class SeedProtocol(string broadcastKey, string action = SeedProtocol.DefaultAction) : IBenchProtocol
{
    public const string DefaultAction = "onMessage";

    public const string DefaultEchoAction = "echo";

    private readonly byte[] _prefix = Encoding.UTF8.GetBytes($"{{\"action\":\"{action}\",\"message\":\"");
    private readonly byte[] _suffix = Encoding.UTF8.GetBytes($"\",\"key\":\"{broadcastKey}\"}}");

    public string Name => "seed";

    public byte[]? KeepAliveMessage => null;

    public TimeSpan KeepAliveInterval => Timeout.InfiniteTimeSpan;

    public Task HandshakeAsync(RawWebSocket socket, CancellationToken cancellationToken) => Task.CompletedTask;

    public PublishTemplate CreatePublishTemplate(int textLength) => PublishTemplate.Build(_prefix, textLength, _suffix);

    /// <summary>The echo scenario's message, <c>{"action":ACTION,"message":TEXT}</c>: no key, the function answers TEXT to the sender.</summary>
    public static PublishTemplate CreateEchoTemplate(string action, int textLength) =>
        PublishTemplate.Build(Encoding.UTF8.GetBytes($"{{\"action\":\"{action}\",\"message\":\""), textLength, "\"}"u8);

    public IFrameSink CreateSink(IMessageSink messages) => new Sink(messages);

    /// <summary>
    /// Learns the connection's id the way a seed client can: a message with a wrong key is answered, to the sender only,
    /// with <c>{"message": "Forbidden", "connectionId":"ID", ...}</c>. Call before the receive loop starts.
    /// </summary>
    public async Task<string> GetConnectionIdAsync(RawWebSocket socket, CancellationToken cancellationToken)
    {
        var wrongKey = broadcastKey + "-not-the-key";
        await socket.SendTextAsync(Encoding.UTF8.GetBytes($"{{\"action\":\"onMessage\",\"message\":\"whoami\",\"key\":\"{wrongKey}\"}}"), cancellationToken);
        while (true)
        {
            var (payload, _) = await socket.ReceiveSetupMessageAsync(cancellationToken);
            var text = Encoding.UTF8.GetString(payload);
            const string marker = "\"connectionId\":\"";
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var start = at + marker.Length;
                var end = text.IndexOf('"', start);
                if (end > start)
                {
                    return text[start..end];
                }
            }
        }
    }

    private sealed class Sink(IMessageSink messages) : IFrameSink
    {
        public void OnFrame(ReadOnlySpan<byte> payload, bool isText) => messages.OnMessage(payload);
    }
}
