using System.Text;
using System.Text.Json;

namespace Switchboard.Bench.Client;

/// <summary>
/// ASP.NET Core SignalR's JSON hub protocol over WebSockets without negotiate, as a client with SkipNegotiation speaks it:
/// records end with 0x1E and a frame may carry several; publish invokes <c>OnMessage(text, key)</c>, the hub calls
/// <c>message(text)</c> on the others, and <c>{"type":6}</c> pings go both ways.
/// </summary>
internal sealed class SignalRProtocol(string broadcastKey) : IBenchProtocol
{
    public const byte RecordSeparator = 0x1E;

    private readonly byte[] _suffix = Encoding.UTF8.GetBytes($"\",\"{broadcastKey}\"]}}\u001e");

    public string Name => "signalr";

    public byte[]? KeepAliveMessage { get; } = "{\"type\":6}\u001e"u8.ToArray();

    // SignalR clients ping every 15 s; the server drops a client it has not heard from for 30 s.
    public TimeSpan KeepAliveInterval => TimeSpan.FromSeconds(15);

    public async Task HandshakeAsync(RawWebSocket socket, CancellationToken cancellationToken)
    {
        await socket.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8, cancellationToken);
        var (payload, _) = await socket.ReceiveSetupMessageAsync(cancellationToken);
        var end = Array.IndexOf(payload, RecordSeparator);
        var response = Encoding.UTF8.GetString(payload, 0, end < 0 ? payload.Length : end);
        if (response.Contains("\"error\"", StringComparison.Ordinal) || !response.StartsWith('{'))
        {
            throw new IOException($"SignalR handshake refused: {response}");
        }
    }

    public PublishTemplate CreatePublishTemplate(int textLength) =>
        PublishTemplate.Build("{\"type\":1,\"target\":\"OnMessage\",\"arguments\":[\""u8, textLength, _suffix);

    public IFrameSink CreateSink(IMessageSink messages) => new Sink(messages);

    private sealed class Sink(IMessageSink messages) : IFrameSink
    {
        private byte[] _unescaped = new byte[256];

        public void OnFrame(ReadOnlySpan<byte> payload, bool isText)
        {
            while (!payload.IsEmpty)
            {
                var end = payload.IndexOf(RecordSeparator);
                var record = end < 0 ? payload : payload[..end];
                if (!record.IsEmpty)
                {
                    OnRecord(record);
                }

                payload = end < 0 ? default : payload[(end + 1)..];
            }
        }

        private void OnRecord(ReadOnlySpan<byte> record)
        {
            var reader = new Utf8JsonReader(record);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            var type = 0;
            var isMessage = false;
            // The argument as a slice of the record, or (escaped) of _unescaped; -1 when absent.
            var argumentStart = 0;
            var argumentLength = -1;
            var argumentUnescaped = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    _ = reader.TryGetInt32(out type);
                }
                else if (reader.ValueTextEquals("target"u8))
                {
                    reader.Read();
                    isMessage = reader.ValueTextEquals("message"u8);
                }
                else if (reader.ValueTextEquals("arguments"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        reader.Skip();
                        continue;
                    }

                    var depth = reader.CurrentDepth;
                    if (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        if (!reader.ValueIsEscaped)
                        {
                            // A string token starts at its opening quote.
                            argumentStart = (int)reader.TokenStartIndex + 1;
                            argumentLength = reader.ValueSpan.Length;
                        }
                        else
                        {
                            if (_unescaped.Length < reader.ValueSpan.Length)
                            {
                                _unescaped = new byte[reader.ValueSpan.Length * 2];
                            }

                            argumentLength = reader.CopyString(_unescaped);
                            argumentUnescaped = true;
                        }
                    }

                    while (!(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth) && reader.Read())
                    {
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (type == 1 && isMessage && argumentLength >= 0)
            {
                messages.OnMessage(argumentUnescaped
                    ? _unescaped.AsSpan(0, argumentLength)
                    : record.Slice(argumentStart, argumentLength));
            }
        }
    }
}
