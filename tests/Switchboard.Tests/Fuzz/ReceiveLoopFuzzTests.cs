using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using System.Text.Unicode;
using Switchboard.Connections;
using Switchboard.Definition;
using Switchboard.Operations;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Random and mutated client frame sequences into a real <see cref="WebSocketConnection"/> over in-memory pipes, in
/// random chunks: the connection always finishes, nothing escapes the receive loop, and every close it sends carries a
/// code the gateway means to send (or the client's own valid code, echoed).
/// </summary>
public sealed class ReceiveLoopFuzzTests
{
    private const int Seed = 0x5EED_0002;
    private const int Cases = 3000;
    private const int MaxMessageBytes = 1024;
    private const int MaxFragments = 6;

    private static readonly ushort[] ServerCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009];

    [Fact]
    public async Task RandomFrameSequences_EndCleanly_WithOnlyExpectedCloseCodes()
    {
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < Cases; index++)
        {
            var (input, clientCodes) = NextInput(random);
            var outcome = await RunCaseAsync(random, input, clientCodes, Fuzz.Describe(Seed, index, input));
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // Each kind of ending must have been reached, or the generator has drifted away from the interesting inputs.
        foreach (var expected in new[] { "open", "1002", "1007", "1009", "echo" })
        {
            Assert.True(outcomes.ContainsKey(expected), $"no case ended as {expected}; seen {string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"))}; seed {Seed}");
        }
    }

    /// <summary>Runs one connection over <paramref name="input"/>; returns how it ended ("open", a close code, or "echo").</summary>
    internal static async Task<string> RunCaseAsync(Random random, byte[] input, IReadOnlySet<ushort>? clientCodes, string described)
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var limits = new LimitsDefinition
        {
            MaxMessageBytes = MaxMessageBytes,
            MaxMessageFragments = MaxFragments,
            BinaryFrames = random.Next(4) == 0 ? "reject" : "accept",
        };
        var connection = new WebSocketConnection(
            "AAAAAAAAAAAAAAAA", "api", "dev", "127.0.0.1", null, ConnectionSettings.From(limits), new GatewayMetrics(), TimeProvider.System, new MessageAssemblyBudget(limits.MessageAssemblyBudgetBytes));
        var handler = new RecordingHandler();

        var running = connection.RunAsync(ConnectionTransport.OverPipe(new DuplexPipe(toServer.Reader, fromServer.Writer), static () => { }), handler);
        var offset = 0;
        foreach (var size in Fuzz.Chunks(random, input.Length))
        {
            await toServer.Writer.WriteAsync(input.AsMemory(offset, size));
            offset += size;
        }

        await toServer.Writer.CompleteAsync();
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"RunAsync did not finish within 10 s after the input ended; {described}");
        }
        catch (Exception ex)
        {
            Assert.Fail($"RunAsync threw {ex.GetType().Name}: {ex.Message}; {described}");
        }

        Assert.True(connection.UnexpectedFailure is null, $"the receive loop failed with {connection.UnexpectedFailure}; {described}");

        var output = await ReadAllAsync(fromServer.Reader);
        var closes = ServerFrames(output, described).Where(f => f.Opcode == 0x8).ToList();
        Assert.True(closes.Count <= 1, $"the server sent {closes.Count} close frames; {described}");
        foreach (var message in handler.Messages)
        {
            Assert.True(message.Bytes.Length <= MaxMessageBytes, $"a {message.Bytes.Length}-byte message passed the {MaxMessageBytes}-byte limit; {described}");
            Assert.True(!message.IsText || Utf8.IsValid(message.Bytes), $"a text message with invalid UTF-8 reached the handler; {described}");
        }

        if (closes.Count == 0)
        {
            return "open";
        }

        var payload = closes[0].Payload;
        Assert.True(payload.Length >= 2, $"the server's close frame has no code; {described}");
        Assert.True(Utf8.IsValid(payload.AsSpan(2)), $"the server's close reason is not UTF-8; {described}");
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        Assert.NotEqual(1011, code);
        if (ServerCodes.Contains(code))
        {
            return code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.True((clientCodes is null || clientCodes.Contains(code)) && IsValidPeerCode(code), $"the server closed with {code}, neither its own code nor a valid one the client sent; {described}");
        return "echo";
    }

    private static bool IsValidPeerCode(ushort code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>The frames, and the close codes they carry (null when a mutation may have changed them).</summary>
    internal static (byte[] Input, HashSet<ushort>? ClientCodes) NextInput(Random random)
    {
        var codes = new HashSet<ushort>();
        var mutated = false;
        var frames = new List<byte>();
        var count = random.Next(1, 8);
        var budget = 3500;
        for (var i = 0; i < count && frames.Count < budget; i++)
        {
            var kind = random.Next(10);
            mutated |= kind < 3;
            var frame = kind switch
            {
                0 => Fuzz.RandomBytes(random, 40),
                1 or 2 => Fuzz.Mutate(random, WellFormedFrame(random, codes), 3),
                _ => WellFormedFrame(random, codes),
            };
            frames.AddRange(frame);
        }

        if (random.Next(3) == 0)
        {
            // A length that lies: claims more or less than what follows.
            var lie = RandomFrame(random, random.Next(16), Fuzz.RandomBytes(random, 60), fin: true, masked: true, rsv: 0, claimed: LiedLength(random));
            frames.AddRange(lie);
            mutated = true;
        }

        return ([.. frames], mutated ? null : codes);
    }

    private static long LiedLength(Random random) => random.Next(6) switch
    {
        0 => 0,
        1 => 125,
        2 => 126,
        3 => ushort.MaxValue,
        4 => long.MaxValue,
        _ => random.NextInt64(),
    };

    private static byte[] WellFormedFrame(Random random, HashSet<ushort> codes)
    {
        var masked = random.Next(12) != 0;
        var rsv = random.Next(15) == 0 ? random.Next(1, 8) : 0;
        var fin = random.Next(4) != 0;
        switch (random.Next(12))
        {
            case 0:
            case 1:
            case 2:
                return RandomFrame(random, 0x1, Text(random), fin, masked, rsv);
            case 3:
                return RandomFrame(random, 0x2, Fuzz.RandomBytes(random, 300), fin, masked, rsv);
            case 4:
            case 5:
                return RandomFrame(random, 0x0, Text(random), fin, masked, rsv);
            case 6:
                return RandomFrame(random, 0x9, Fuzz.RandomBytes(random, random.Next(8) == 0 ? 200 : 125), random.Next(8) != 0, masked, rsv);
            case 7:
                return RandomFrame(random, 0xA, Fuzz.RandomBytes(random, 130), random.Next(8) != 0, masked, rsv);
            case 8:
            case 9:
                var code = CloseCode(random);
                codes.Add(code);
                return RandomFrame(random, 0x8, ClosePayload(random, code), random.Next(10) != 0, masked, rsv);
            case 10:
                // Reserved opcodes, data (3 to 7) and control (B to F).
                return RandomFrame(random, random.Next(2) == 0 ? random.Next(3, 8) : random.Next(0xB, 0x10), Fuzz.RandomBytes(random, 20), fin, masked, rsv);
            default:
                // A long message in fragments, to reach the size and fragment limits.
                var pieces = new List<byte>();
                var fragments = random.Next(2, MaxFragments + 3);
                for (var f = 0; f < fragments; f++)
                {
                    pieces.AddRange(RandomFrame(random, f == 0 ? 0x1 : 0x0, Encoding.UTF8.GetBytes(new string('a', random.Next(0, 400))), f == fragments - 1, masked: true, rsv: 0));
                }

                return [.. pieces];
        }
    }

    private static ushort CloseCode(Random random) => random.Next(6) switch
    {
        0 => (ushort)random.Next(1000, 1016),
        1 => (ushort)random.Next(0, 1000),
        2 => (ushort)random.Next(2990, 3010),
        3 => (ushort)random.Next(4990, 5010),
        4 => (ushort)random.Next(3000, 5000),
        _ => (ushort)random.Next(65536),
    };

    private static byte[] ClosePayload(Random random, ushort code)
    {
        switch (random.Next(8))
        {
            case 0:
                return [];
            case 1:
                return [(byte)random.Next(256)];
            case 2:
                // Invalid UTF-8 reasons: a lone continuation byte, an overlong form, a surrogate, a cut sequence.
                byte[][] invalid = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFF], [0xF4, 0x90, 0x80, 0x80]];
                return [(byte)(code >> 8), (byte)code, .. "why"u8, .. invalid[random.Next(invalid.Length)]];
            case 3:
                return [(byte)(code >> 8), (byte)code, .. Fuzz.RandomBytes(random, 130)];
            default:
                var reason = Encoding.UTF8.GetBytes(new string('é', random.Next(0, 70)));
                return [(byte)(code >> 8), (byte)code, .. reason];
        }
    }

    private static byte[] Text(Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                return Fuzz.RandomBytes(random, 200);
            case 1:
                // A multi-byte character that a fragment boundary may split.
                var euros = Encoding.UTF8.GetBytes(new string('€', random.Next(0, 60)));
                return euros[..^Math.Min(euros.Length, random.Next(0, 3))];
            default:
                return Encoding.UTF8.GetBytes($"{{\"action\":\"onMessage\",\"message\":\"{new string('x', random.Next(0, 200))}\"}}");
        }
    }

    /// <summary>A frame as a client writes it; <paramref name="claimed"/> replaces the true length, in the shortest form or a longer one.</summary>
    private static byte[] RandomFrame(Random random, int opcode, byte[] payload, bool fin, bool masked, int rsv, long? claimed = null)
    {
        var length = claimed ?? payload.Length;
        var bytes = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        var maskBit = masked ? 0x80 : 0;
        var form = length < 126 ? random.Next(6) switch { 0 => 2, 1 => 8, _ => 0 } : length <= ushort.MaxValue && random.Next(4) != 0 ? 2 : 8;
        switch (form)
        {
            case 0:
                bytes.Add((byte)(maskBit | (int)length));
                break;
            case 2:
                bytes.Add((byte)(maskBit | 126));
                bytes.Add((byte)(length >> 8));
                bytes.Add((byte)length);
                break;
            default:
                bytes.Add((byte)(maskBit | 127));
                var extended = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(extended, (ulong)length | (random.Next(20) == 0 ? 1UL << 63 : 0));
                bytes.AddRange(extended);
                break;
        }

        var data = payload.ToArray();
        if (masked)
        {
            var mask = new byte[4];
            random.NextBytes(mask);
            bytes.AddRange(mask);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= mask[i & 3];
            }
        }

        bytes.AddRange(data);
        return [.. bytes];
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                await reader.CompleteAsync();
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Splits what the server wrote into frames, asserting each is one a server may send.</summary>
    private static List<(int Opcode, byte[] Payload)> ServerFrames(byte[] output, string described)
    {
        var frames = new List<(int, byte[])>();
        var offset = 0;
        while (offset < output.Length)
        {
            Assert.True(output.Length - offset >= 2, $"the server's output ends inside a frame header; {described}");
            var first = output[offset];
            var second = output[offset + 1];
            Assert.True((first & 0xF0) == 0x80, $"a server frame without FIN or with reserved bits: 0x{first:X2}; {described}");
            Assert.True((second & 0x80) == 0, $"a masked server frame; {described}");
            var opcode = first & 0x0F;
            Assert.True(opcode is 0x1 or 0x2 or 0x8 or 0x9 or 0xA, $"a server frame with opcode {opcode}; {described}");
            long length = second & 0x7F;
            var header = 2;
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(offset + 2));
                header = 4;
            }
            else if (length == 127)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(output.AsSpan(offset + 2));
                header = 10;
            }

            Assert.True(offset + header + length <= output.Length, $"the server's output ends inside a frame; {described}");
            Assert.True(opcode < 0x8 || length <= 125, $"a server control frame of {length} bytes; {described}");
            frames.Add((opcode, output.AsSpan(offset + header, (int)length).ToArray()));
            offset += header + (int)length;
        }

        return frames;
    }

    private sealed class RecordingHandler : IMessageHandler
    {
        public List<(byte[] Bytes, bool IsText)> Messages { get; } = [];

        public ValueTask OnMessageAsync(WebSocketConnection connection, ReadOnlyMemory<byte> message, bool isText)
        {
            Messages.Add((message.ToArray(), isText));
            return ValueTask.CompletedTask;
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
