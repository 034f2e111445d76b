using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Threading.Channels;
using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Operations;

namespace Switchboard.Tests.Connections;

/// <summary>
/// Frame payload is copied into the message as it arrives, from a budget shared by all connections: messages come out
/// whole and exact whatever the frames and reads cut them into; a message that has not arrived holds a buffer the size
/// of what has (never its announced size); the budget is given back; a connection that finds it spent is closed 1013.
/// </summary>
public sealed class StreamingAssemblyTests
{
    private const int Seed = 0x5EED_0003;

    [Fact]
    public async Task MessagesCutIntoRandomFramesAndReads_ArriveExact_AndTheBudgetIsGivenBack()
    {
        var random = new Random(Seed);
        using var run = new ConnectionRun(new LimitsDefinition { MaxMessageBytes = 256 * 1024 });
        var sent = new List<byte[]>();
        var input = new List<byte>();
        for (var i = 0; i < 200; i++)
        {
            var payload = new byte[random.Next(4) == 0 ? random.Next(0, 200_000) : random.Next(0, 300)];
            random.NextBytes(payload);
            sent.Add(payload);
            var offset = 0;
            var fragments = random.Next(1, 6);
            for (var f = 0; f < fragments; f++)
            {
                var size = f == fragments - 1 ? payload.Length - offset : random.Next(0, payload.Length - offset + 1);
                input.AddRange(ClientFrame(random, f == 0 ? 0x2 : 0x0, payload.AsSpan(offset, size), fin: f == fragments - 1));
                offset += size;
            }
        }

        var bytes = input.ToArray();
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(bytes.Length - offset, random.Next(3) switch { 0 => random.Next(1, 8), 1 => random.Next(1, 2000), _ => random.Next(1, 70_000) });
            await run.WriteAsync(bytes.AsMemory(offset, size));
            offset += size;
        }

        for (var i = 0; i < sent.Count; i++)
        {
            var received = await run.NextMessageAsync();
            Assert.True(sent[i].AsSpan().SequenceEqual(received), $"message {i} ({sent[i].Length} bytes) came out different; seed {Seed}");
        }

        await run.EndAsync();
        Assert.Equal(0, run.Budget.HeldBytes);
    }

    [Fact]
    public async Task AFrameThatHasNotArrived_HoldsWhatHasArrived_NotWhatItAnnounces()
    {
        using var run = new ConnectionRun(new LimitsDefinition { MaxMessageBytes = 1024 * 1024 });
        var payload = new byte[1024 * 1024];
        new Random(Seed).NextBytes(payload);
        var frame = ClientFrame(new Random(Seed), 0x2, payload, fin: true);

        // The header and 100 bytes: the header announces 1 MiB.
        await run.WriteAsync(frame.AsMemory(0, 14 + 100));
        await run.UntilAsync(() => run.Budget.HeldBytes > 0);
        Assert.InRange(run.Budget.HeldBytes, 100, 4096);

        // Half of it: the buffer has grown with what arrived, not to the announced size.
        await run.WriteAsync(frame.AsMemory(14 + 100, 512 * 1024 - 100));
        await run.UntilAsync(() => run.Budget.HeldBytes >= 512 * 1024);
        Assert.InRange(run.Budget.HeldBytes, 512 * 1024, 1024 * 1024);

        await run.WriteAsync(frame.AsMemory(14 + 512 * 1024));
        var received = await run.NextMessageAsync();
        Assert.True(payload.AsSpan().SequenceEqual(received));
        await run.EndAsync();
        Assert.Equal(0, run.Budget.HeldBytes);
    }

    [Fact]
    public async Task ASpentBudget_ClosesTheConnectionThatNeedsMore_With1013()
    {
        // Room for one 64 KiB message at a time (the pool rounds buffers up to powers of two).
        using var refused = new ConnectionRun(new LimitsDefinition { MaxMessageBytes = 128 * 1024, MessageAssemblyBudgetBytes = 64 * 1024 });
        var other = new ConnectionRun(new LimitsDefinition { MaxMessageBytes = 128 * 1024 }, refused.Budget);
        using var _ = other;
        var random = new Random(Seed);

        // The other connection holds 64 KiB of a message still arriving.
        var held = ClientFrame(random, 0x2, new byte[64 * 1024], fin: true);
        await other.WriteAsync(held.AsMemory(0, 14 + 60 * 1024));
        await other.UntilAsync(() => refused.Budget.HeldBytes == 64 * 1024);

        await refused.WriteAsync(ClientFrame(random, 0x2, new byte[10], fin: true));

        Assert.Equal(1013, await refused.CloseCodeAsync());
        await other.WriteAsync(held.AsMemory(14 + 60 * 1024));
        Assert.Equal(64 * 1024, (await other.NextMessageAsync()).Length);
        await other.EndAsync();
        Assert.Equal(0, refused.Budget.HeldBytes);
    }

    private static byte[] ClientFrame(Random random, int opcode, ReadOnlySpan<byte> payload, bool fin)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.AddRange([(byte)(payload.Length >> 8), (byte)payload.Length]);
        }
        else
        {
            header.Add(0x80 | 127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        var mask = new byte[4];
        random.NextBytes(mask);
        header.AddRange(mask);
        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Count + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        return frame;
    }

    /// <summary>One <see cref="WebSocketConnection"/> over in-memory pipes, with the messages it hands on.</summary>
    private sealed class ConnectionRun : IDisposable, IMessageHandler
    {
        private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0));
        private readonly Pipe _fromServer = new();
        private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>();
        private readonly Task _running;
        private readonly WebSocketConnection _connection;

        public ConnectionRun(LimitsDefinition limits, MessageAssemblyBudget? budget = null)
        {
            Budget = budget ?? new MessageAssemblyBudget(limits.MessageAssemblyBudgetBytes);
            _connection = new WebSocketConnection(
                "AAAAAAAAAAAAAAAA", "api", "dev", "127.0.0.1", null, ConnectionSettings.From(limits), new GatewayMetrics(), TimeProvider.System, Budget);
            _running = _connection.RunAsync(ConnectionTransport.OverPipe(new DuplexPipe(_toServer.Reader, _fromServer.Writer), static () => { }), this);
        }

        public MessageAssemblyBudget Budget { get; }

        public async Task WriteAsync(ReadOnlyMemory<byte> bytes) => await _toServer.Writer.WriteAsync(bytes);

        public async Task<byte[]> NextMessageAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        public async Task UntilAsync(Func<bool> condition)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the connection did not get there within 10 s");
                await Task.Delay(10);
            }
        }

        /// <summary>The close code of the first close frame the server writes.</summary>
        public async Task<int> CloseCodeAsync()
        {
            while (true)
            {
                var result = await _fromServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                var bytes = result.Buffer.ToArray();
                for (var offset = 0; offset + 2 <= bytes.Length;)
                {
                    var length = bytes[offset + 1] & 0x7F;
                    if ((bytes[offset] & 0x0F) == 0x8 && offset + 4 <= bytes.Length)
                    {
                        return BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(offset + 2));
                    }

                    offset += 2 + length;
                }

                _fromServer.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                Assert.False(result.IsCompleted, "the server ended without a close frame");
            }
        }

        public async Task EndAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText)
        {
            _messages.Writer.TryWrite(message.ToArray());
            return ValueTask.CompletedTask;
        }

        public void Dispose() => _connection.Abort();
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
