using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A WebSocket client written by hand over a <see cref="TcpClient"/>, for frames <see cref="System.Net.WebSockets.ClientWebSocket"/>
/// will not send (invalid UTF-8 in a text frame, a header claiming a huge length). Every read has a timeout.
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocketClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects and completes the opening handshake on <paramref name="path"/>; fails unless the answer is 101.</summary>
    public static async Task<RawWebSocketClient> ConnectAsync(Uri baseAddress, string path, string extraHeaders = "")
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port).WaitAsync(DefaultTimeout);
            var client = new RawWebSocketClient(tcp);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";
            await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(DefaultTimeout);
            var head = await client.ReadHeadAsync();
            Assert.True(head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal), $"expected 101 Switching Protocols, got: {head}");
            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one frame, masked unless <paramref name="masked"/> is false. <paramref name="claimedLength"/> overrides the
    /// length in the header (the payload sent stays as given); <paramref name="rsv"/> sets the reserved bits (0 to 7).
    /// </summary>
    public async Task SendFrameAsync(int opcode, ReadOnlyMemory<byte> payload, bool fin = true, long? claimedLength = null, bool masked = true, int rsv = 0)
    {
        var length = claimedLength ?? payload.Length;
        var maskBit = masked ? 0x80 : 0;
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        if (length < 126)
        {
            header.Add((byte)(maskBit | (int)length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, length);
            header.AddRange(bytes);
        }

        var data = payload.ToArray();
        if (masked)
        {
            var mask = RandomNumberGenerator.GetBytes(4);
            header.AddRange(mask);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= mask[i & 3];
            }
        }

        await _stream.WriteAsync(header.Concat(data).ToArray()).AsTask().WaitAsync(DefaultTimeout);
    }

    /// <summary>A close frame's payload: the code, then the UTF-8 reason.</summary>
    public static byte[] ClosePayload(int code, string reason = "")
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    /// <summary>Sends <paramref name="requestHead"/> (an HTTP request head, blank line included) on a new connection and returns the response head.</summary>
    public static async Task<string> HandshakeResponseAsync(Uri baseAddress, string requestHead)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port).WaitAsync(DefaultTimeout);
        var client = new RawWebSocketClient(tcp);
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(requestHead)).AsTask().WaitAsync(DefaultTimeout);
        return await client.ReadHeadAsync();
    }

    /// <summary>True when the server has closed the TCP connection (read returns end of stream or fails) within the timeout.</summary>
    public async Task<bool> WaitForTcpCloseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The next frame from the server.</summary>
    public async Task<RawFrame> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var head = new byte[2];
        await _stream.ReadExactlyAsync(head, cancel.Token);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = BinaryPrimitives.ReadInt64BigEndian(extended);
        }

        Assert.True((head[1] & 0x80) == 0, "a server must not mask its frames");
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancel.Token);
        return new RawFrame(head[0] & 0x0F, (head[0] & 0x80) != 0, payload);
    }

    /// <summary>Skips frames until the close frame arrives and returns its code (null when it has none).</summary>
    public async Task<int?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync(timeout);
            if (frame.Opcode == RawFrame.Close)
            {
                return frame.CloseCode;
            }
        }
    }

    private async Task<string> ReadHeadAsync()
    {
        // Byte by byte so nothing after the blank line is consumed.
        using var cancel = new CancellationTokenSource(DefaultTimeout);
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            await _stream.ReadExactlyAsync(one, cancel.Token);
            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A frame as the server sent it.</summary>
public sealed record RawFrame(int Opcode, bool Fin, byte[] Payload)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    public int? CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;
}
