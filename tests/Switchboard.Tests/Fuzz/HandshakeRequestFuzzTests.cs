using System.Buffers;
using System.Text;
using Switchboard.Connections;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Random and mutated request heads into the raw-socket handshake parser, whole and in random chunks (the growing buffer
/// and the same <c>scanned</c>, as the middleware calls it): it never throws, and what it accepts is a valid handshake.
/// </summary>
public sealed class HandshakeRequestFuzzTests
{
    private const int Seed = 0x5EED_0001;
    private const int Cases = 6000;

    private static readonly string[] ValidHeads =
    [
        "GET /dev?token=a HTTP/1.1\r\nHost: example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Custom: v\r\n\r\n",
        "GET /base/prod HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\n" +
            "sec-websocket-key: AQIDBAUGBwgJCgsMDQ4PEA==\r\nsec-websocket-version: 13\r\nUser-Agent: fuzz/1.0\r\n" +
            "Sec-WebSocket-Protocol: chat\r\nContent-Length: 0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n" +
            "Sec-WebSocket-Version: 13\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n\r\nextra bytes after the head",
    ];

    [Fact]
    public void RandomAndMutatedHeads_NeverThrow_AndAcceptOnlyValidHandshakes()
    {
        var random = new Random(Seed);
        var accepted = 0;
        for (var index = 0; index < Cases; index++)
        {
            var input = NextInput(random);
            accepted += CheckHead(random, input, Fuzz.Describe(Seed, index, input)) ? 1 : 0;
        }

        // The mutations must leave some heads valid, or the accept-side checks tested nothing.
        Assert.True(accepted > Cases / 20, $"only {accepted} of {Cases} heads were accepted; seed {Seed}");
    }

    /// <summary>Parses one head whole and in chunks cut by <paramref name="random"/>; true when it was accepted.</summary>
    internal static bool CheckHead(Random random, byte[] input, string described)
    {
        try
        {
            var whole = ParseWhole(input, out var request, out var headEnd);
            CheckAccepted(whole, request, headEnd, input, described);

            var chunked = ParseInChunks(random, input, out var chunkedRequest, out var chunkedEnd);
            CheckAccepted(chunked, chunkedRequest, chunkedEnd, input, described);
            if (input.Length < HandshakeRequest.MaxHeadBytes)
            {
                Assert.True(whole == chunked, $"whole gave {whole}, chunked gave {chunked}; {described}");
                Assert.True(
                    request?.Path == chunkedRequest?.Path && request?.RawQuery == chunkedRequest?.RawQuery && request?.Key == chunkedRequest?.Key,
                    $"whole and chunked parses differ; {described}");
            }

            return whole == HandshakeRequest.ParseStatus.WebSocket;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{ex.GetType().Name} escaped the parser: {ex.Message}; {described}; {ex.StackTrace}");
            return false;
        }
    }

    internal static byte[] NextInput(Random random)
    {
        var valid = Encoding.Latin1.GetBytes(ValidHeads[random.Next(ValidHeads.Length)]);
        return random.Next(10) switch
        {
            0 => Fuzz.RandomBytes(random, 300),
            1 => [.. "GET "u8, .. Fuzz.RandomBytes(random, 300), .. "\r\n\r\n"u8],
            2 => DuplicateLine(random, valid),
            3 => Long(random, valid),
            4 or 5 => valid,
            _ => Fuzz.Mutate(random, valid),
        };
    }

    private static byte[] DuplicateLine(Random random, byte[] head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n").ToList();
        var line = random.Next(lines.Count);
        lines.Insert(random.Next(lines.Count), lines[line]);
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines));
    }

    private static byte[] Long(Random random, byte[] head)
    {
        var text = Encoding.Latin1.GetString(head);
        var padding = "X-Pad: " + new string('p', random.Next(HandshakeRequest.MaxHeadBytes - 200, HandshakeRequest.MaxHeadBytes + 200)) + "\r\n";
        return Encoding.Latin1.GetBytes(text.Insert(text.IndexOf("\r\n", StringComparison.Ordinal) + 2, padding));
    }

    private static HandshakeRequest.ParseStatus ParseWhole(byte[] input, out HandshakeRequest? request, out long headEnd)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        long scanned = 0;
        var status = HandshakeRequest.TryParse(buffer, ref scanned, out request, out var end);
        headEnd = status == HandshakeRequest.ParseStatus.WebSocket ? buffer.Slice(0, end).Length : -1;
        return status;
    }

    private static HandshakeRequest.ParseStatus ParseInChunks(Random random, byte[] input, out HandshakeRequest? request, out long headEnd)
    {
        request = null;
        headEnd = -1;
        long scanned = 0;
        var length = 0;
        var status = HandshakeRequest.ParseStatus.NeedMoreData;
        foreach (var size in Fuzz.Chunks(random, input.Length))
        {
            length += size;
            var buffer = Segmented(input.AsMemory(0, length), random);
            status = HandshakeRequest.TryParse(buffer, ref scanned, out request, out var end);
            Assert.True(scanned <= length, $"scanned {scanned} is past the {length} bytes given");
            if (status != HandshakeRequest.ParseStatus.NeedMoreData)
            {
                headEnd = status == HandshakeRequest.ParseStatus.WebSocket ? buffer.Slice(0, end).Length : -1;
                break;
            }
        }

        return status;
    }

    /// <summary>The bytes as a sequence of up to three segments, the way a pipe hands over data that arrived in pieces.</summary>
    private static ReadOnlySequence<byte> Segmented(ReadOnlyMemory<byte> bytes, Random random)
    {
        if (bytes.Length < 3 || random.Next(2) == 0)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = random.Next(1, bytes.Length - 1);
        var second = random.Next(first + 1, bytes.Length);
        var start = new Segment(bytes[..first], 0);
        var end = start.Append(bytes[first..second]).Append(bytes[second..]);
        return new ReadOnlySequence<byte>(start, 0, end, end.Memory.Length);
    }

    private static void CheckAccepted(HandshakeRequest.ParseStatus status, HandshakeRequest? request, long headEnd, byte[] input, string described)
    {
        if (status != HandshakeRequest.ParseStatus.WebSocket)
        {
            Assert.True(request is null, $"{status} came with a request; {described}");
            return;
        }

        Assert.True(request is not null, $"WebSocket came without a request; {described}");
        Assert.True(request.Path.StartsWith('/'), $"accepted path '{request.Path}' does not start with '/'; {described}");
        Assert.True(request.Path.All(static c => c is > ' ' and < '\u007f' and not '%'), $"accepted path '{request.Path}' holds a byte Kestrel should decode; {described}");
        Assert.True(HandshakeHeaders.Problem(request.Headers) is null, $"accepted headers break a rule: {HandshakeHeaders.Problem(request.Headers)}; {described}");
        Assert.True(WebSocketHandshake.IsValidKey(request.Key), $"accepted key '{request.Key}' is not valid; {described}");
        Assert.True(headEnd >= 4 && headEnd <= input.Length, $"head end {headEnd} is outside the input; {described}");
        Assert.True(input.AsSpan(0, (int)headEnd).EndsWith("\r\n\r\n"u8), $"head end {headEnd} is not after a blank line; {described}");
        Assert.True(input.AsSpan(0, (int)headEnd - 4).IndexOf("\r\n\r\n"u8) < 0, $"head end {headEnd} is not the first blank line; {described}");
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
