using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Bench.Client;

/// <summary>
/// A minimal RFC 6455 client on a raw <see cref="Socket"/>, so the generator spends its core on the server's messages and
/// not on its own client: one receive loop per connection parsing frames in place from a reused buffer, no allocation per
/// message, and sends of frames the caller builds (masked) into its own buffers. Setup-time reads (handshake replies,
/// the connection id) are pulled with <see cref="ReceiveSetupMessageAsync"/>; then <see cref="StartReceiving"/> hands
/// every message to a sink.
/// </summary>
internal sealed partial class RawWebSocket : IDisposable
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly Socket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _closeFrame = new byte[2 + 4 + 2];
    private uint _maskState;
    private int _closeSent;

    private RawWebSocket(Socket socket, int bufferSize)
    {
        _socket = socket;
        _buffer = new byte[bufferSize];
        _maskState = (uint)Random.Shared.Next(1, int.MaxValue);
    }

    /// <summary>Close code the server sent (1005 when its close frame had none); 0 before a close frame arrived.</summary>
    public int CloseCode { get; private set; }

    public bool CloseReceived => CloseCode != 0;

    /// <summary>True once the receive loop has ended: end of stream, reset, or disposal.</summary>
    public bool Ended => _receiveLoop?.IsCompleted == true;

    /// <summary>Why the receive loop ended, when not by a clean end of stream.</summary>
    public Exception? Error { get; private set; }

    /// <summary>
    /// Connects and performs the opening handshake; the socket is disposed when that fails. <c>socketReceiveBuffer</c> is
    /// SO_RCVBUF, set before connecting (0: the system's default); a small one makes a stalled reader fill up fast.
    /// </summary>
    public static async Task<RawWebSocket> ConnectAsync(WsEndpoint endpoint, int bufferSize, CancellationToken cancellationToken, int socketReceiveBuffer = 0)
    {
        var socket = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (socketReceiveBuffer > 0)
            {
                socket.ReceiveBufferSize = socketReceiveBuffer;
            }

            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken);
            var webSocket = new RawWebSocket(socket, bufferSize);
            await webSocket.HandshakeAsync(endpoint, cancellationToken);
            return webSocket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A fresh mask key per frame (RFC 6455 section 5.3); xorshift is plenty, the server cannot tell.</summary>
    public uint NextMaskKey()
    {
        var x = _maskState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _maskState = x;
        return x;
    }

    /// <summary>Sends bytes that already are complete masked frames (one or many), in order with every other send.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendFramesAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken = default)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            while (frames.Length > 0)
            {
                var sent = await _socket.SendAsync(frames, SocketFlags.None, cancellationToken);
                frames = frames[sent..];
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Builds and sends one text frame; for setup and keep-alives, not for the publishing hot path.</summary>
    public ValueTask SendTextAsync(ReadOnlySpan<byte> payload, CancellationToken cancellationToken = default)
    {
        var frame = new byte[FrameWriter.FrameLength(payload.Length)];
        FrameWriter.Write(frame, FrameWriter.Text, payload, NextMaskKey());
        return SendFramesAsync(frame, cancellationToken);
    }

    /// <summary>Sends a close frame (once), then waits until the server's close and the end of the stream, or the timeout.</summary>
    /// <returns>True when the server answered with a close frame and closed the stream in time.</returns>
    public async Task<bool> CloseAsync(ushort code, TimeSpan timeout)
    {
        StartReceiving(DiscardSink.Instance);
        try
        {
            await SendCloseAsync(code).AsTask().WaitAsync(timeout);
            await Completion.WaitAsync(timeout);
            return CloseReceived;
        }
        catch (Exception ex) when (ex is TimeoutException or SocketException or ObjectDisposedException or IOException)
        {
            // The server may have closed first and dropped the stream while our close was on its way.
            return CloseReceived;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private ValueTask SendCloseAsync(ushort code)
    {
        if (Interlocked.Exchange(ref _closeSent, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        Span<byte> body = [(byte)(code >> 8), (byte)code];
        var length = FrameWriter.Write(_closeFrame, FrameWriter.Close, body, NextMaskKey());
        return SendFramesAsync(_closeFrame.AsMemory(0, length));
    }

    private async Task HandshakeAsync(WsEndpoint endpoint, CancellationToken cancellationToken)
    {
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);
        var key = Convert.ToBase64String(nonce);
        var request = new byte[endpoint.HandshakePrefix.Length + key.Length + 4];
        endpoint.HandshakePrefix.CopyTo(request, 0);
        Encoding.ASCII.GetBytes(key, request.AsSpan(endpoint.HandshakePrefix.Length));
        "\r\n\r\n"u8.CopyTo(request.AsSpan(request.Length - 4));
        await SendFramesAsync(request, cancellationToken);

        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection during the WebSocket handshake");
            }

            _end += read;
        }

        var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var lineEnd = head.IndexOf('\r', StringComparison.Ordinal);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (!statusLine.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException($"WebSocket handshake refused: '{statusLine}'");
        }

        if (!head.Contains($"\r\nSec-WebSocket-Accept: {ExpectedAccept(key)}", StringComparison.OrdinalIgnoreCase))
        {
            throw new IOException("WebSocket handshake: missing or wrong Sec-WebSocket-Accept");
        }

        // Bytes after the head are already frames.
        _start = headerEnd + 4;
    }

    private static string ExpectedAccept(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }

    private sealed class DiscardSink : IFrameSink
    {
        public static readonly DiscardSink Instance = new();

        public void OnFrame(ReadOnlySpan<byte> payload, bool isText)
        {
        }
    }
}
