using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchboard.Bench.Client;

internal sealed partial class RawWebSocket
{
    // A benchmark server never sends more in one frame; anything larger means the stream is out of step.
    private const int MaxFrameBytes = 16 * 1024 * 1024;

    private readonly byte[] _pongPayload = new byte[125];
    private readonly byte[] _pongFrame = new byte[2 + 4 + 125];
    private byte[] _buffer;
    private int _start;
    private int _end;
    private IFrameSink? _sink;
    private Queue<(byte[] Payload, bool IsText)>? _setupMessages;
    private byte[]? _fragments;
    private int _fragmentLength;
    private bool _fragmentIsText;
    private bool _inFragment;
    private int _pendingPongLength = -1;
    private bool _pendingCloseReply;
    private Task? _receiveLoop;

    /// <summary>The receive loop; completes at the end of the stream (never faults: see <see cref="Error"/>).</summary>
    public Task Completion => _receiveLoop ?? Task.CompletedTask;

    /// <summary>Starts the receive loop, handing it the messages pulled but not consumed during setup first.</summary>
    public void StartReceiving(IFrameSink sink)
    {
        if (_receiveLoop is not null)
        {
            return;
        }

        _sink = sink;
        if (_setupMessages is { } queued)
        {
            while (queued.TryDequeue(out var message))
            {
                sink.OnFrame(message.Payload, message.IsText);
            }

            _setupMessages = null;
        }

        _receiveLoop = ReceiveLoopAsync();
    }

    /// <summary>Reads the next data message before the receive loop runs (handshake replies, the connection id). Allocates; setup only.</summary>
    public async Task<(byte[] Payload, bool IsText)> ReceiveSetupMessageAsync(CancellationToken cancellationToken)
    {
        if (_receiveLoop is not null)
        {
            throw new InvalidOperationException("the receive loop is running; setup reads must come before StartReceiving");
        }

        _setupMessages ??= new Queue<(byte[], bool)>();
        while (true)
        {
            ProcessBuffered();
            if (_setupMessages.TryDequeue(out var message))
            {
                return message;
            }

            if (CloseReceived)
            {
                throw new IOException($"the server closed the connection with {CloseCode}");
            }

            await SendPendingControlAsync();
            PrepareReceive();
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server ended the stream");
            }

            _end += read;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                ProcessBuffered();
                if (_pendingPongLength >= 0 || _pendingCloseReply)
                {
                    await SendPendingControlAsync();
                }

                PrepareReceive();
                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                _end += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or InvalidDataException or OperationCanceledException)
        {
            Error = ex;
        }
    }

    /// <summary>Handles every complete frame in the buffer, in place.</summary>
    private void ProcessBuffered()
    {
        while (true)
        {
            var available = _end - _start;
            if (available < 2)
            {
                break;
            }

            var span = _buffer.AsSpan(_start, available);
            var first = span[0];
            var second = span[1];
            long length = second & 0x7F;
            var header = 2;
            if (length == 126)
            {
                if (available < 4)
                {
                    break;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
                header = 4;
            }
            else if (length == 127)
            {
                if (available < 10)
                {
                    break;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(span[2..]);
                header = 10;
            }

            var masked = (second & 0x80) != 0;
            if (masked)
            {
                header += 4;
            }

            if (length is < 0 or > MaxFrameBytes)
            {
                throw new InvalidDataException($"server frame of {length} bytes; the stream is out of step");
            }

            var total = header + (int)length;
            if (available < total)
            {
                EnsureCapacity(total);
                break;
            }

            var payload = span.Slice(header, (int)length);
            if (masked)
            {
                FrameWriter.Mask(payload, MemoryMarshal.Read<uint>(span[(header - 4)..]));
            }

            _start += total;
            HandleFrame((first & 0x80) != 0, (byte)(first & 0x0F), payload);
        }

        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
    }

    private void HandleFrame(bool fin, byte opcode, ReadOnlySpan<byte> payload)
    {
        switch (opcode)
        {
            case FrameWriter.Text or FrameWriter.Binary when fin && !_inFragment:
                Deliver(payload, opcode == FrameWriter.Text);
                break;
            case FrameWriter.Text or FrameWriter.Binary:
                _inFragment = true;
                _fragmentIsText = opcode == FrameWriter.Text;
                _fragmentLength = 0;
                AppendFragment(payload);
                break;
            case FrameWriter.Continuation when _inFragment:
                AppendFragment(payload);
                if (fin)
                {
                    _inFragment = false;
                    Deliver(_fragments.AsSpan(0, _fragmentLength), _fragmentIsText);
                }

                break;
            case FrameWriter.Close:
                CloseCode = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                _pendingCloseReply = Volatile.Read(ref _closeSent) == 0;
                break;
            case FrameWriter.Ping:
                // Answering the latest ping is enough (RFC 6455 section 5.5.3).
                payload.CopyTo(_pongPayload);
                _pendingPongLength = payload.Length;
                break;
            case FrameWriter.Pong:
                break;
            default:
                throw new InvalidDataException($"unexpected WebSocket opcode {opcode}");
        }
    }

    private void Deliver(ReadOnlySpan<byte> payload, bool isText)
    {
        if (_sink is { } sink)
        {
            sink.OnFrame(payload, isText);
        }
        else
        {
            _setupMessages?.Enqueue((payload.ToArray(), isText));
        }
    }

    private void AppendFragment(ReadOnlySpan<byte> payload)
    {
        if (_fragments is null || _fragments.Length - _fragmentLength < payload.Length)
        {
            Array.Resize(ref _fragments, Math.Max(_fragmentLength + payload.Length, (_fragments?.Length ?? 1024) * 2));
        }

        payload.CopyTo(_fragments.AsSpan(_fragmentLength));
        _fragmentLength += payload.Length;
    }

    private async ValueTask SendPendingControlAsync()
    {
        if (_pendingPongLength >= 0)
        {
            var length = FrameWriter.Write(_pongFrame, FrameWriter.Pong, _pongPayload.AsSpan(0, _pendingPongLength), NextMaskKey());
            _pendingPongLength = -1;
            await SendFramesAsync(_pongFrame.AsMemory(0, length));
        }

        if (_pendingCloseReply)
        {
            // Echo the server's code (RFC 6455 section 5.5.1); 1005 means it sent none and may not go on the wire.
            _pendingCloseReply = false;
            await SendCloseAsync(CloseCode == 1005 ? (ushort)1000 : (ushort)CloseCode);
        }
    }

    /// <summary>Moves a partial frame to the front so the next read appends to it.</summary>
    private void PrepareReceive()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    private void EnsureCapacity(int frameLength)
    {
        if (frameLength <= _buffer.Length)
        {
            return;
        }

        var bigger = new byte[Math.Max(frameLength, _buffer.Length * 2)];
        _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
        _end -= _start;
        _start = 0;
        _buffer = bigger;
    }
}
