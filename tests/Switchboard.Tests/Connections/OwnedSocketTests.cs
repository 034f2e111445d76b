using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Connections;

/// <summary>
/// WebSocket connections on plain HTTP own their TCP socket: Switchboard's listener peeks at a new socket's first bytes
/// and takes a WebSocket handshake that arrived whole (or within a few short re-peeks), leaving everything else to
/// Kestrel; frames are then written straight to the socket, the rest of a frame the kernel would not take waits in the
/// bounded queue, and the frames one read of a client makes the server send are written per recipient at the end of
/// the read. Clients here are written by hand on raw sockets, so the test decides what goes in each TCP write and when
/// a client reads; every assertion is about what a client sees (answers, messages whole and in order), never timing.
/// A client that stops reading past the queue bounds (closed with 1008, the others unaffected) is covered by
/// <see cref="Functional.SlowConsumerTests"/>, whose clients connect through this listener too.
/// </summary>
public sealed class OwnedSocketTests
{
    private const int BurstMessages = 200;

    // Generous: the machine may be busy with other tests. A read or write that times out fails its test.
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many parts the handshake head is cut into and how long the client waits before each part. A few
    /// milliseconds apart, the listener's re-peeks see the head complete and take it; 200 ms apart they have given up,
    /// and the socket goes to Kestrel, whose connection middleware reads the head as it comes. One part after 200 ms
    /// is a client that connects, then thinks. The client cannot tell these paths apart, and should not need to.
    /// </summary>
    public static TheoryData<int, int> SplitHeads => new()
    {
        { 2, 3 },
        { 3, 2 },
        { 2, 200 },
        { 3, 200 },
        { 1, 200 },
    };

    [Theory]
    [MemberData(nameof(SplitHeads))]
    public async Task HandshakeHeadInSeveralWrites_Gets101_AndTheConnectionWorks(int parts, int pauseMs)
    {
        await using var server = await GatewayServer.StartAsync();
        await using var peer = await server.ConnectAsync();
        using var client = await RawClient.OpenAsync(server);
        var head = Encoding.ASCII.GetBytes(RawClient.HandshakeHead(server, RawClient.Key));

        foreach (var part in Cut(head, parts))
        {
            await Task.Delay(pauseMs);
            await client.WriteAsync(part);
        }

        RawClient.AssertSwitchingProtocols(await client.ReadHeadAsync(), RawClient.Key);
        await AssertBothWaysAsync(client, peer);
    }

    [Fact]
    public async Task FramesSentInTheSameWriteAsTheHead_AreRoutedAfterThe101()
    {
        // A client that does not wait for the 101 (allowed in practice, if not by RFC 6455): the server must take
        // exactly the head off the socket, and read what follows it as the connection's first frames.
        await using var server = await GatewayServer.StartAsync();
        await using var peer = await server.ConnectAsync();
        using var client = await RawClient.OpenAsync(server);

        await client.WriteAsync([
            .. Encoding.ASCII.GetBytes(RawClient.HandshakeHead(server, RawClient.Key)),
            .. RawClient.TextFrame(SeedMessages.OnMessage("first")),
            .. RawClient.TextFrame(SeedMessages.OnMessage("second")),
        ]);

        RawClient.AssertSwitchingProtocols(await client.ReadHeadAsync(), RawClient.Key);
        Assert.Equal("first", await peer.ReceiveTextAsync());
        Assert.Equal("second", await peer.ReceiveTextAsync());
        await AssertBothWaysAsync(client, peer);
    }

    [Fact]
    public async Task ManyMessagesInOneWrite_ReachEveryOtherClient_AllOfThemWholeAndInOrder()
    {
        // 200 broadcasts in one TCP write: the server reads several per read (and a read's end cuts frames), and
        // writes what each read sends to a recipient together. One receiver is a library client, one a raw socket.
        await using var server = await GatewayServer.StartAsync();
        await using var library = await server.ConnectAsync();
        using var raw = await RawClient.ConnectAsync(server);
        using var sender = await RawClient.ConnectAsync(server);

        await sender.WriteAsync(Burst('a', BurstMessages));

        for (var n = 0; n < BurstMessages; n++)
        {
            Assert.Equal(BurstText('a', n), await library.ReceiveTextAsync());
            Assert.Equal(BurstText('a', n), await raw.ReceiveTextAsync());
        }

        // The seed broadcasts to the others only.
        await sender.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        await library.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task TwoClientsBurstingAtOnce_EachReceiverGetsEachSendersMessagesInThatSendersOrder()
    {
        // Each sender's reads hold frames for the other sender while the other's reads hold frames for it: a
        // recipient held by one thread takes the other thread's frames behind the held ones, never among them.
        await using var server = await GatewayServer.StartAsync();
        await using var library = await server.ConnectAsync();
        using var raw = await RawClient.ConnectAsync(server);
        using var a = await RawClient.ConnectAsync(server);
        using var b = await RawClient.ConnectAsync(server);

        await Task.WhenAll(a.WriteAsync(Burst('a', BurstMessages)), b.WriteAsync(Burst('b', BurstMessages)));

        await AssertEachSendersOrderAsync(() => library.ReceiveTextAsync(), 2 * BurstMessages, 'a', 'b');
        await AssertEachSendersOrderAsync(() => raw.ReceiveTextAsync(), 2 * BurstMessages, 'a', 'b');
        await AssertEachSendersOrderAsync(() => a.ReceiveTextAsync(), BurstMessages, 'b');
        await AssertEachSendersOrderAsync(() => b.ReceiveTextAsync(), BurstMessages, 'a');
        await a.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
        await b.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(100));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task FramesCutInsideTheirHeader_AcrossWrites_AreReadWhole(int headerBytesFirst)
    {
        // A read that ends inside a frame header (or a control frame) leaves bytes the receive loop cannot use yet: it
        // must wait for the rest, not parse the same bytes again. Each frame goes out in two writes, cut after
        // headerBytesFirst bytes, with a pause between them so the server reads the parts separately.
        await using var server = await GatewayServer.StartAsync();
        await using var peer = await server.ConnectAsync();
        using var sender = await RawClient.ConnectAsync(server);

        for (var n = 0; n < 3; n++)
        {
            var frame = RawClient.TextFrame(SeedMessages.OnMessage(BurstText('c', n)));
            await sender.WriteAsync(frame[..headerBytesFirst]);
            await Task.Delay(100);
            await sender.WriteAsync(frame[headerBytesFirst..]);
            Assert.Equal(BurstText('c', n), await peer.ReceiveTextAsync());
        }

        var ping = RawClient.Frame(RawFrame.Ping, "cut"u8.ToArray());
        await sender.WriteAsync(ping[..headerBytesFirst]);
        await Task.Delay(100);
        await sender.WriteAsync(ping[headerBytesFirst..]);
        var pong = await sender.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Pong, pong.Opcode);
        Assert.Equal("cut", Encoding.UTF8.GetString(pong.Payload));
    }

    [Fact]
    public async Task PingAndCloseInTheSameWriteAsMessages_AreAnsweredInOrder_AndEveryMessageBeforeTheCloseIsDelivered()
    {
        // Control frames in a burst: the pong and the close answer go to the sender in order, and every message
        // before the close reaches the other client.
        await using var server = await GatewayServer.StartAsync();
        await using var peer = await server.ConnectAsync();
        using var sender = await RawClient.ConnectAsync(server);

        await sender.WriteAsync([
            .. Burst('a', 5),
            .. RawClient.Frame(RawFrame.Ping, "still there?"u8.ToArray()),
            .. Enumerable.Range(5, 5).SelectMany(n => RawClient.TextFrame(SeedMessages.OnMessage(BurstText('a', n)))),
            .. RawClient.Frame(RawFrame.Close, RawWebSocketClient.ClosePayload(1000)),
        ]);

        for (var n = 0; n < 10; n++)
        {
            Assert.Equal(BurstText('a', n), await peer.ReceiveTextAsync());
        }

        var pong = await sender.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Pong, pong.Opcode);
        Assert.Equal("still there?", Encoding.UTF8.GetString(pong.Payload));
        var close = await sender.ReceiveFrameAsync();
        Assert.Equal(RawFrame.Close, close.Opcode);
        Assert.Equal(1000, close.CloseCode);
        Assert.True(await sender.WaitForEndOfStreamAsync(), "the server kept the connection open after the close handshake");
    }

    [Fact]
    public async Task BurstOfMoreMessagesThanTheQueueBound_ReachesAClientThatReads()
    {
        // A client whose socket takes everything at once (its buffers are empty) must not be taken for a slow
        // consumer because another client put more messages in one TCP write than outboundQueueMessages, although
        // the server holds a read's frames to write them together.
        var definition = TestDefinitions.WithLimits(l => l with { OutboundQueueMessages = 16 });
        await using var server = await GatewayServer.StartAsync(definition);
        await using var reader = await server.ConnectAsync();
        using var sender = await RawClient.ConnectAsync(server);

        await sender.WriteAsync(Burst('a', 64));

        for (var n = 0; n < 64; n++)
        {
            var message = await reader.ReceiveAsync();
            Assert.True(message.Type == System.Net.WebSockets.WebSocketMessageType.Text, $"message {n}: the reading client got {message.Type} {message.CloseStatus} {message.CloseDescription}");
            Assert.Equal(BurstText('a', n), message.Text);
        }
    }

    /// <summary>
    /// The recipient stops reading (a small receive buffer, so its window closes early) while more than the kernel's
    /// buffers can hold is broadcast, within the queue bounds; then it reads again, and all of it arrives. Twice: once
    /// drained, the connection writes straight to its socket again, and a second stall must work as the first. Sizes
    /// that are not multiples of any buffer size make a full buffer cut a frame, whose rest must go out before anything
    /// else. With one message per write, frames go straight to the socket until it is full; with many per write, the
    /// server writes each read's frames together (gather sends), and a full buffer cuts one of those.
    /// </summary>
    [Theory]
    [InlineData(false, 3_001)]
    [InlineData(true, 1_001)]
    public async Task ClientThatStopsReading_WithinTheQueueBounds_GetsEveryMessageByteExactAndInOrder_OnceItReadsAgain(bool burst, int size)
    {
        var definition = TestDefinitions.WithLimits(l => l with
        {
            OutboundQueueMessages = 1_000_000,
            OutboundQueueBytes = 512 * 1024 * 1024,

            // No pings: the stalled client answers none, and the test is about data frames.
            KeepAliveIntervalSeconds = 0,
        });
        await using var server = await GatewayServer.StartAsync(definition);
        using var stalled = await RawClient.ConnectAsync(server, receiveBufferBytes: 4096);
        await using var witness = await server.ConnectAsync();

        // The publisher: a library client (one message per write) or a raw one (64 messages per write).
        await using var library = burst ? null : await server.ConnectAsync();
        using var raw = burst ? await RawClient.ConnectAsync(server) : null;
        Task PublishAsync(IEnumerable<string> messages) => burst
            ? Task.Run(async () =>
            {
                foreach (var chunk in messages.Chunk(64))
                {
                    await raw!.WriteAsync([.. chunk.SelectMany(m => RawClient.TextFrame(SeedMessages.OnMessage(m)))]);
                }
            })
            : Task.Run(async () =>
            {
                foreach (var message in messages)
                {
                    await library!.SendTextAsync(SeedMessages.OnMessage(message));
                }
            });

        // More than the server's send buffer can ever grow to (plus what the stalled client's own buffer takes), so at
        // least 2 MiB of each round can only be in the connection's queue while the stalled client is not reading.
        var perRound = (int)((MaxKernelSendBufferBytes() + stalled.ReceiveBufferBytes + 2 * 1024 * 1024) / size) + 1;
        for (var round = 0; round < 2; round++)
        {
            var payloads = Enumerable.Range(round * perRound, perRound).Select(n => StallPayload(n, size)).ToArray();
            var publishing = PublishAsync(payloads);

            // The witness reads all along: once it has every message, every message has been handed to the stalled
            // client's connection too (all but the last, perhaps, still being handed over: it is read below anyway).
            foreach (var payload in payloads)
            {
                Assert.Equal(payload, await witness.ReceiveTextAsync(IoTimeout));
            }

            await publishing;

            // Now the stalled client reads again, through its small buffer.
            for (var n = 0; n < perRound; n++)
            {
                var frame = await stalled.ReceiveFrameAsync();
                var where = $"round {round}, message {n} of {perRound}";
                Assert.True(frame.Opcode == RawFrame.Text, $"{where}: expected a text frame, got opcode {frame.Opcode} (close code {frame.CloseCode})");
                Assert.True(Encoding.UTF8.GetBytes(payloads[n]).AsSpan().SequenceEqual(frame.Payload), $"{where} is not byte-exact: {Describe(frame.Payload)}");
            }
        }

        // Drained, the connection is an ordinary one again: the next message comes right after.
        await PublishAsync(["after"]);
        Assert.Equal("after", await stalled.ReceiveTextAsync());
        await stalled.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task ClientReadingSlowly_WhileAPublisherSendsFlatOut_GetsEveryMessageByteExactAndInOrder()
    {
        // The recipient reads in small sips while the publisher never pauses: the server's buffers for it fill, a
        // frame is cut, and from then on new frames join the queue while the writer drains it into a socket the
        // client is reading at the same time (how often the queue empties and refills depends on the machine).
        var definition = TestDefinitions.WithLimits(l => l with
        {
            OutboundQueueMessages = 1_000_000,
            OutboundQueueBytes = 512 * 1024 * 1024,
            KeepAliveIntervalSeconds = 0,
        });
        await using var server = await GatewayServer.StartAsync(definition);
        using var slow = await RawClient.ConnectAsync(server, receiveBufferBytes: 4096);
        await using var publisher = await server.ConnectAsync();
        const int Count = 1_500;
        const int Size = 3_001;

        var publishing = Task.Run(async () =>
        {
            for (var n = 0; n < Count; n++)
            {
                await publisher.SendTextAsync(SeedMessages.OnMessage(StallPayload(n, Size)));
            }
        });

        for (var n = 0; n < Count; n++)
        {
            if (n % 8 == 0)
            {
                // A sip, then a pause, so the client usually reads slower than the publisher sends.
                await Task.Delay(1);
            }

            var frame = await slow.ReceiveFrameAsync();
            Assert.True(frame.Opcode == RawFrame.Text, $"message {n} of {Count}: expected a text frame, got opcode {frame.Opcode} (close code {frame.CloseCode})");
            Assert.True(Encoding.UTF8.GetBytes(StallPayload(n, Size)).AsSpan().SequenceEqual(frame.Payload), $"message {n} of {Count} is not byte-exact: {Describe(frame.Payload)}");
        }

        await publishing;
        await slow.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task PlainHttpOnTheSamePort_IsServed_WhileWebSocketClientsAreConnected()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var library = await server.ConnectAsync();
        using var raw = await RawClient.ConnectAsync(server);

        using (var health = await server.Http.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
        }

        // The REST receiver's broadcast reaches both WebSocket clients.
        var key = await server.CreateKeyAsync("owned-sockets");
        using (var broadcast = await server.SendAsync(HttpMethod.Get, "/dev/receiver?progId=42", key))
        {
            Assert.Equal(HttpStatusCode.OK, broadcast.StatusCode);
        }

        Assert.Equal("42", await library.ReceiveTextAsync());
        Assert.Equal("42", await raw.ReceiveTextAsync());
        await AssertBothWaysAsync(raw, library);
    }

    [Fact]
    public async Task KeepAliveConnection_UpgradedAfterAPlainRequest_IsAWorkingWebSocket()
    {
        // The first request is not a handshake, so the listener and the middleware leave the connection to Kestrel;
        // the handshake that follows on it is Kestrel's upgrade, and the socket is then written through Kestrel.
        await using var server = await GatewayServer.StartAsync();
        await using var peer = await server.ConnectAsync();
        using var client = await RawClient.OpenAsync(server);

        await client.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"));
        var (status, body) = await client.ReadResponseAsync();
        Assert.Equal(200, status);
        Assert.Equal("{\"status\":\"ok\"}", body);

        await client.WriteAsync(Encoding.ASCII.GetBytes(RawClient.HandshakeHead(server, RawClient.Key)));
        RawClient.AssertSwitchingProtocols(await client.ReadHeadAsync(), RawClient.Key);
        await AssertBothWaysAsync(client, peer);
    }

    /// <summary>The client gets a broadcast, and its own broadcast reaches <paramref name="peer"/>.</summary>
    private static async Task AssertBothWaysAsync(RawClient client, TestWebSocket peer)
    {
        await peer.SendTextAsync(SeedMessages.OnMessage("to the raw client"));
        Assert.Equal("to the raw client", await client.ReceiveTextAsync());

        await client.WriteAsync(RawClient.TextFrame(SeedMessages.OnMessage("from the raw client")));
        Assert.Equal("from the raw client", await peer.ReceiveTextAsync());
    }

    /// <summary>
    /// <paramref name="head"/> in <paramref name="parts"/> pieces: two are cut halfway (inside a header line); three are
    /// cut inside the request line and again just before the final CRLF, so only the blank line's end is missing.
    /// </summary>
    private static IEnumerable<byte[]> Cut(byte[] head, int parts)
    {
        int[] cuts = parts switch
        {
            1 => [],
            2 => [head.Length / 2],
            3 => [6, head.Length - 2],
            _ => throw new ArgumentOutOfRangeException(nameof(parts)),
        };
        var start = 0;
        foreach (var cut in cuts.Append(head.Length))
        {
            yield return head[start..cut];
            start = cut;
        }
    }

    /// <summary>Sender <paramref name="sender"/>'s message <paramref name="n"/>: lengths vary, so frames end all over a read.</summary>
    private static string BurstText(char sender, int n) =>
        $"{sender}{n.ToString("D3", CultureInfo.InvariantCulture)}|{new string((char)('a' + (n % 26)), n % 37)}";

    /// <summary>Sender <paramref name="sender"/>'s <paramref name="count"/> broadcasts as one TCP write's worth of masked frames.</summary>
    private static byte[] Burst(char sender, int count) =>
        [.. Enumerable.Range(0, count).SelectMany(n => RawClient.TextFrame(SeedMessages.OnMessage(BurstText(sender, n))))];

    /// <summary>Receives <paramref name="total"/> messages and checks that each sender's arrive whole, in its order, all of them.</summary>
    private static async Task AssertEachSendersOrderAsync(Func<Task<string>> receive, int total, params char[] senders)
    {
        var next = senders.ToDictionary(s => s, _ => 0);
        for (var m = 0; m < total; m++)
        {
            var text = await receive();
            Assert.True(next.TryGetValue(text[0], out var n), $"message {m} is from nobody expected: {text}");
            Assert.Equal(BurstText(text[0], n), text);
            next[text[0]] = n + 1;
        }

        Assert.All(senders, s => Assert.Equal(total / senders.Length, next[s]));
    }

    /// <summary>A message of exactly <paramref name="size"/> ASCII bytes: its number, then letters that shift with it, so a misplaced byte shows.</summary>
    private static string StallPayload(int n, int size) =>
        string.Create(size, n, static (span, n) =>
        {
            n.TryFormat(span, out var written, "D7", CultureInfo.InvariantCulture);
            span[written++] = ':';
            for (var i = written; i < span.Length; i++)
            {
                span[i] = (char)('a' + ((n + i) % 26));
            }
        });

    private static string Describe(byte[] payload) =>
        $"{payload.Length} bytes starting {Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, 40))}";

    /// <summary>The most a TCP socket's send buffer grows to by itself on this machine (Linux: tcp_wmem's maximum).</summary>
    private static long MaxKernelSendBufferBytes()
    {
        const long Fallback = 4 * 1024 * 1024;
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/tcp_wmem").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(Fallback, long.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 16 * Fallback;
        }
    }

    /// <summary>
    /// A WebSocket client on a raw socket: the test decides what goes in each TCP write, how large the receive buffer
    /// is, and when the client reads. Frames it sends are masked text frames; every read has a timeout.
    /// </summary>
    private sealed class RawClient : IDisposable
    {
        public const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

        private readonly Socket _socket;
        private readonly NetworkStream _stream;

        private RawClient(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        /// <summary>What the kernel made of the receive buffer size asked for (Linux doubles it).</summary>
        public int ReceiveBufferBytes => _socket.ReceiveBufferSize;

        /// <summary>A TCP connection to the server, nothing sent.</summary>
        public static async Task<RawClient> OpenAsync(GatewayServer server, int? receiveBufferBytes = null)
        {
            // Each write goes out at once, as its own segment.
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (receiveBufferBytes is { } size)
            {
                // Before connecting: the window scale is agreed in the TCP handshake.
                socket.ReceiveBufferSize = size;
            }

            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port).WaitAsync(IoTimeout);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return new RawClient(socket);
        }

        /// <summary>A connected WebSocket client on stage <c>dev</c> (the head in one write, as clients send it).</summary>
        public static async Task<RawClient> ConnectAsync(GatewayServer server, int? receiveBufferBytes = null)
        {
            var client = await OpenAsync(server, receiveBufferBytes);
            try
            {
                await client.WriteAsync(Encoding.ASCII.GetBytes(HandshakeHead(server, Key)));
                AssertSwitchingProtocols(await client.ReadHeadAsync(), Key);
                return client;
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        public static string HandshakeHead(GatewayServer server, string key) =>
            $"GET /dev HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: owned-socket-tests\r\n\r\n";

        public static void AssertSwitchingProtocols(string head, string key)
        {
            Assert.True(head.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal), $"expected 101 Switching Protocols, got: {head}");
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            Assert.Contains($"\r\nSec-WebSocket-Accept: {accept}\r\n", head, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>A masked text frame carrying <paramref name="text"/>.</summary>
        public static byte[] TextFrame(string text) => Frame(RawFrame.Text, Encoding.UTF8.GetBytes(text));

        /// <summary>A masked frame (FIN set) of <paramref name="opcode"/> carrying <paramref name="data"/>.</summary>
        public static byte[] Frame(int opcode, byte[] data)
        {
            var payload = data.ToArray();
            var header = new List<byte> { (byte)(0x80 | opcode) };
            if (payload.Length < 126)
            {
                header.Add((byte)(0x80 | payload.Length));
            }
            else if (payload.Length <= ushort.MaxValue)
            {
                header.AddRange([0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length]);
            }
            else
            {
                var length = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(length, payload.Length);
                header.Add(0x80 | 127);
                header.AddRange(length);
            }

            var mask = RandomNumberGenerator.GetBytes(4);
            header.AddRange(mask);
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= mask[i & 3];
            }

            return [.. header, .. payload];
        }

        /// <summary>Writes <paramref name="bytes"/> with one send (the kernel takes it all at once unless it is larger than its buffer).</summary>
        public Task WriteAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask().WaitAsync(IoTimeout);

        /// <summary>An HTTP response head, read byte by byte so nothing after the blank line is taken.</summary>
        public async Task<string> ReadHeadAsync()
        {
            using var cancel = new CancellationTokenSource(IoTimeout);
            var head = new List<byte>();
            var one = new byte[1];
            while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
            {
                await _stream.ReadExactlyAsync(one, cancel.Token);
                head.Add(one[0]);
            }

            return Encoding.ASCII.GetString([.. head]);
        }

        /// <summary>A whole HTTP response (body by Content-Length or chunked); the connection stays open.</summary>
        public async Task<(int Status, string Body)> ReadResponseAsync()
        {
            var head = await ReadHeadAsync();
            var status = int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture);
            var lines = head.Split("\r\n");
            var body = new List<byte>();
            if (lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
            {
                while (true)
                {
                    var size = int.Parse((await ReadLineAsync()).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    body.AddRange(await ReadExactlyAsync(size));
                    await ReadLineAsync();
                    if (size == 0)
                    {
                        break;
                    }
                }
            }
            else if (lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } length)
            {
                body.AddRange(await ReadExactlyAsync(int.Parse(length.Split(':')[1].Trim(), CultureInfo.InvariantCulture)));
            }

            return (status, Encoding.UTF8.GetString([.. body]));
        }

        /// <summary>The next frame from the server other than a ping; the server's frames are never masked or fragmented.</summary>
        public async Task<RawFrame> ReceiveFrameAsync()
        {
            while (true)
            {
                var head = await ReadExactlyAsync(2);
                Assert.True((head[1] & 0x80) == 0, "a server must not mask its frames");
                long length = head[1] & 0x7F;
                if (length == 126)
                {
                    length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
                }
                else if (length == 127)
                {
                    length = BinaryPrimitives.ReadInt64BigEndian(await ReadExactlyAsync(8));
                }

                var frame = new RawFrame(head[0] & 0x0F, (head[0] & 0x80) != 0, await ReadExactlyAsync((int)length));
                Assert.True(frame.Fin, $"the server sent a fragment (opcode {frame.Opcode})");
                if (frame.Opcode != RawFrame.Ping)
                {
                    return frame;
                }
            }
        }

        /// <summary>The next text message; fails naming the close code when the server closes instead.</summary>
        public async Task<string> ReceiveTextAsync()
        {
            var frame = await ReceiveFrameAsync();
            Assert.True(frame.Opcode == RawFrame.Text, $"expected a text frame, got opcode {frame.Opcode} (close code {frame.CloseCode})");
            return Encoding.UTF8.GetString(frame.Payload);
        }

        /// <summary>Nothing has arrived after <paramref name="quiet"/>.</summary>
        public async Task AssertNothingReceivedAsync(TimeSpan quiet)
        {
            await Task.Delay(quiet);
            Assert.True(_socket.Available == 0, $"expected nothing more but {_socket.Available} bytes arrived");
        }

        /// <summary>True when the server ends the TCP connection (end of stream or a reset) within the timeout.</summary>
        public async Task<bool> WaitForEndOfStreamAsync()
        {
            using var cancel = new CancellationTokenSource(IoTimeout);
            var buffer = new byte[4096];
            try
            {
                while (await _stream.ReadAsync(buffer, cancel.Token) > 0)
                {
                }

                return true;
            }
            catch (IOException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        private async Task<byte[]> ReadExactlyAsync(int count)
        {
            using var cancel = new CancellationTokenSource(IoTimeout);
            var bytes = new byte[count];
            await _stream.ReadExactlyAsync(bytes, cancel.Token);
            return bytes;
        }

        private async Task<string> ReadLineAsync()
        {
            var line = new List<byte>();
            while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
            {
                line.AddRange(await ReadExactlyAsync(1));
            }

            return Encoding.ASCII.GetString([.. line], 0, line.Count - 2);
        }

        public void Dispose() => _stream.Dispose();
    }
}
