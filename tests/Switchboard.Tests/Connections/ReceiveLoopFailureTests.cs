using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Operations;

namespace Switchboard.Tests.Connections;

/// <summary>
/// A bug under the receive loop (here: a message handler that throws) never ends a connection silently: the client is
/// sent a 1011 close, the failure is kept for the session to log, and the connection finishes.
/// </summary>
public sealed class ReceiveLoopFailureTests
{
    [Fact]
    public async Task HandlerThatThrows_ClosesWith1011_AndRecordsTheFailure()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var connection = new WebSocketConnection(
            "AAAAAAAAAAAAAAAA", "api", "dev", "127.0.0.1", null, ConnectionSettings.From(new LimitsDefinition()), new GatewayMetrics(), TimeProvider.System, new MessageAssemblyBudget(new LimitsDefinition().MessageAssemblyBudgetBytes));

        var running = connection.RunAsync(ConnectionTransport.OverPipe(new DuplexPipe(toServer.Reader, fromServer.Writer), static () => { }), new ThrowingHandler());
        await toServer.Writer.WriteAsync(MaskedText("boom"));

        var close = await ReadCloseAsync(fromServer.Reader);
        Assert.Equal(CloseCodes.InternalError, close);
        await toServer.Writer.CompleteAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.IsType<ArgumentOutOfRangeException>(connection.UnexpectedFailure);
        Assert.Equal(CloseCodes.InternalError, connection.CloseStatus);
    }

    private static byte[] MaskedText(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        byte[] mask = [1, 2, 3, 4];
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    /// <summary>Reads server frames until a close frame; returns its code.</summary>
    private static async Task<ushort> ReadCloseAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var bytes = result.Buffer.ToArray();
            var offset = 0;
            while (bytes.Length - offset >= 2)
            {
                var opcode = bytes[offset] & 0x0F;
                var length = bytes[offset + 1] & 0x7F;
                if (bytes.Length - offset < 2 + length)
                {
                    break;
                }

                if (opcode == 0x8)
                {
                    return BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 2, 2));
                }

                offset += 2 + length;
            }

            Assert.False(result.IsCompleted, "the server ended its output without a close frame");
            reader.AdvanceTo(result.Buffer.GetPosition(offset), result.Buffer.End);
        }
    }

    private sealed class ThrowingHandler : IMessageHandler
    {
        public ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText) =>
            throw new ArgumentOutOfRangeException(nameof(message), "a bug in a handler");
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
