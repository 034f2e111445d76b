using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// A real gateway takes a few hundred random and mutated handshakes and frame sequences, each on its own TCP
/// connection, and still serves a well-formed client afterwards: it connects, and the seed's onMessage broadcast arrives.
/// </summary>
public sealed class EndToEndFuzzTests
{
    private const int Seed = 0x5EED_0005;
    private const int Cases = 300;
    private const int Parallel = 24;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task GatewayAfterRandomHandshakesAndFrames_StillConnectsAndBroadcasts()
    {
        var random = new Random(Seed);
        var cases = Enumerable.Range(0, Cases).Select(index => NextCase(random, index)).ToList();

        await using var server = await GatewayServer.StartAsync();
        var failures = new List<string>();
        for (var start = 0; start < cases.Count; start += Parallel)
        {
            var batch = cases.Skip(start).Take(Parallel).Select(c => RunCaseAsync(server.BaseAddress, c));
            failures.AddRange((await Task.WhenAll(batch)).OfType<string>());
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        var (a, _) = await server.ConnectWithIdAsync();
        await using var _a = a;
        await using var b = await server.ConnectAsync();
        await a.SendTextAsync(SeedMessages.OnMessage("after fuzz"));
        Assert.Equal("after fuzz", await b.ReceiveTextAsync());
    }

    private sealed record Case(int Index, byte[] Head, byte[] Frames, HashSet<ushort>? ClientCodes);

    private static Case NextCase(Random random, int index)
    {
        if (random.Next(2) == 0)
        {
            var head = HandshakeRequestFuzzTests.NextInput(random);
            return new Case(index, head, [], null);
        }

        var key = new byte[16];
        random.NextBytes(key);
        var valid = Encoding.ASCII.GetBytes(
            $"GET /dev HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Convert.ToBase64String(key)}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        var (frames, codes) = ReceiveLoopFuzzTests.NextInput(random);
        return new Case(index, valid, frames, codes);
    }

    /// <summary>Sends one case on its own connection and reads what comes back for a short while; returns a failure or null.</summary>
    private static async Task<string?> RunCaseAsync(Uri baseAddress, Case fuzzCase)
    {
        var described = Fuzz.Describe(Seed, fuzzCase.Index, [.. fuzzCase.Head, .. fuzzCase.Frames]);
        using var tcp = new TcpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancel.Token);
            var stream = tcp.GetStream();
            await stream.WriteAsync(fuzzCase.Head, cancel.Token);
            if (fuzzCase.Frames.Length == 0)
            {
                await ReadForAsync(stream, CaseTimeout);
                return null;
            }

            var head = await ReadHeadAsync(stream, cancel.Token);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                return $"a valid handshake got: {head}; {described}";
            }

            await stream.WriteAsync(fuzzCase.Frames, cancel.Token);
            var answer = await ReadForAsync(stream, CaseTimeout);
            var code = FirstCloseCode(answer);
            return code is null or 1000 or 1001 or 1002 or 1003 or 1007 or 1008 or 1009
                || (code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999) && (fuzzCase.ClientCodes is null || fuzzCase.ClientCodes.Contains((ushort)code.Value)))
                ? null
                : $"the server closed with {code}; {described}";
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The server may drop a connection that broke the protocol while we were still writing.
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"the handshake was not answered within 10 s; {described}";
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancel)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                break;
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }

    /// <summary>Everything the server sends until it closes the connection or <paramref name="timeout"/> passes.</summary>
    private static async Task<byte[]> ReadForAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return received.ToArray();
    }

    /// <summary>The code of the first close frame in the server's frames, or null when none arrived whole.</summary>
    private static int? FirstCloseCode(byte[] frames)
    {
        var offset = 0;
        while (frames.Length - offset >= 2)
        {
            var opcode = frames[offset] & 0x0F;
            long length = frames[offset + 1] & 0x7F;
            var header = 2;
            if (length == 126 && frames.Length - offset >= 4)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(frames.AsSpan(offset + 2));
                header = 4;
            }
            else if (length == 127 && frames.Length - offset >= 10)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(frames.AsSpan(offset + 2));
                header = 10;
            }
            else if (length >= 126)
            {
                return null;
            }

            if (frames.Length - offset - header < length)
            {
                return null;
            }

            if (opcode == 0x8)
            {
                return length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frames.AsSpan(offset + header)) : null;
            }

            offset += header + (int)length;
        }

        return null;
    }
}
