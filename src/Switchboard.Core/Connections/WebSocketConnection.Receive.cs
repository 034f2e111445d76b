using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Switchboard.Connections;

public sealed partial class WebSocketConnection
{
    // "No message arriving" for _messageStartedTimestamp: the sweeper's "now - started" is then never past a deadline.
    private const long NoMessageArriving = long.MaxValue;

    // Smallest assembly buffer rented for a message whose end has not arrived yet; later growth doubles it.
    private const int FirstPartialBufferBytes = 4096;

    private readonly MessageAssemblyBudget _assemblyBudget;

    // Message assembly state; touched only by the receive loop. Payload is copied into _message as it arrives, so the
    // transport never holds more than one read of a frame, and _message never more than about twice what has arrived.
    private byte[]? _message;
    private int _messageLength;
    private bool _messageIsText;
    private bool _inMessage;
    private int _fragments;
    private long _skipRemaining;

    // The data frame whose payload is arriving: bytes still to come, its mask key rotated to the next byte, its FIN.
    private long _frameRemaining;
    private uint _frameMask;
    private bool _inFrame;
    private bool _frameFin;

    // When the message now arriving began (its first frame's header was read). The sweeper closes a connection whose
    // message has not arrived whole within limits.messageAssemblySeconds.
    private long _messageStartedTimestamp = NoMessageArriving;

    /// <summary>Monotonic timestamp of the first frame of the message still arriving, or <see cref="long.MaxValue"/>.</summary>
    internal long MessageStartedTimestamp => Volatile.Read(ref _messageStartedTimestamp);

    private enum StepKind
    {
        NeedMoreData,
        Continue,
        Message,
        Stop,
    }

    private async Task ReceiveLoopAsync(IMessageHandler handler)
    {
        var token = _abort.Token;
        try
        {
            while (true)
            {
                ReadResult result;
                if (_socketInput is { } socketInput)
                {
                    // An owned socket: wait without a buffer (and without a token: dropping the socket ends the wait).
                    if (socketInput.NeedsData)
                    {
                        await _socket!.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                    }

                    result = socketInput.Read();
                }
                else
                {
                    result = await _input!.ReadAsync(token).ConfigureAwait(false);
                }

                var buffer = result.Buffer;
                var stop = false;
                var needMore = false;
                SendCork? cork = null;
                try
                {
                    while (!stop && !needMore)
                    {
                        switch (NextStep(ref buffer, out var message, out var length, out var isText))
                        {
                            case StepKind.NeedMoreData:
                                needMore = true;
                                break;
                            case StepKind.Stop:
                                stop = true;
                                break;
                            case StepKind.Message:
                                try
                                {
                                    _metrics.MessageReceived();

                                    // More of this read follows: what the messages send is written per recipient at
                                    // the end of the read, in one send() each (SendCork).
                                    if (cork is null && buffer.Length > 0)
                                    {
                                        cork = SendCork.Begin();
                                    }

                                    var handled = handler.OnMessageAsync(this, message.AsMemory(0, length), isText);
                                    if (handled.IsCompletedSuccessfully)
                                    {
                                        handled.GetAwaiter().GetResult();
                                    }
                                    else
                                    {
                                        // It waits (for a backend, for Redis) and may resume on another thread: what
                                        // the cork held goes out now.
                                        cork?.End();
                                        cork = null;
                                        await handled.ConfigureAwait(false);
                                    }
                                }
                                catch (Exception ex) when (ex is not OperationCanceledException)
                                {
                                    // A handler bug, told apart here from the transport's own failures (some of which are
                                    // InvalidOperationException too): recorded for the session to log, and 1011 to the client.
                                    UnexpectedFailure = ex;
                                    BeginClose(CloseCodes.InternalError, "Internal error");
                                    stop = true;
                                }
                                finally
                                {
                                    ReturnAssemblyBuffer(message);
                                }

                                break;
                        }
                    }
                }
                finally
                {
                    cork?.End();
                }

                if (_socketInput is { } input)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                else
                {
                    _input!.AdvanceTo(buffer.Start, buffer.End);
                }

                if (stop || result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        finally
        {
            if (_message is not null)
            {
                ReturnAssemblyBuffer(_message);
                _message = null;
            }
        }
    }

    /// <summary>
    /// Consumes at most one frame header or the part of a data frame's payload that has arrived from
    /// <paramref name="buffer"/>; a complete message is handed back in its rented assembly buffer.
    /// </summary>
    private StepKind NextStep(ref ReadOnlySequence<byte> buffer, out byte[] message, out int length, out bool isText)
    {
        message = [];
        length = 0;
        isText = false;

        if (_skipRemaining > 0)
        {
            var skipped = Math.Min(_skipRemaining, buffer.Length);
            buffer = buffer.Slice(skipped);
            _skipRemaining -= skipped;
            if (_skipRemaining > 0)
            {
                return StepKind.NeedMoreData;
            }
        }

        if (_inFrame)
        {
            if (buffer.Length == 0)
            {
                return StepKind.NeedMoreData;
            }

            var now = Now();
            Volatile.Write(ref _lastReceivedTimestamp, now);
            return TakePayload(ref buffer, now, out message, out length, out isText);
        }

        if (!FrameHeader.TryRead(buffer, out var header))
        {
            return StepKind.NeedMoreData;
        }

        var headerTime = Now();
        Volatile.Write(ref _lastReceivedTimestamp, headerTime);
        var open = Volatile.Read(ref _state) == StateOpen;

        if (header.Error is { } protocolError)
        {
            BeginClose(CloseCodes.ProtocolError, protocolError);
            return StepKind.Stop;
        }

        var frameLength = header.HeaderLength + header.PayloadLength;
        if (header.IsControl)
        {
            // At most 14 + 125 bytes: waiting for the whole control frame costs nothing worth bounding.
            if (buffer.Length < frameLength)
            {
                return StepKind.NeedMoreData;
            }

            var step = OnControlFrame(header, buffer.Slice(header.HeaderLength, header.PayloadLength), open);
            buffer = buffer.Slice(frameLength);
            return step;
        }

        if (!open)
        {
            // Closing: data is no longer wanted, only the peer's close frame.
            _skipRemaining = frameLength;
            return StepKind.Continue;
        }

        var starting = header.Opcode != WebSocketOpcode.Continuation;
        if (starting == _inMessage)
        {
            BeginClose(CloseCodes.ProtocolError, starting ? "New message before the previous one ended" : "Continuation frame without a message");
            return StepKind.Stop;
        }

        if (!starting && _fragments >= _settings.MaxMessageFragments)
        {
            BeginClose(CloseCodes.PolicyViolation, $"Message split into more than {_settings.MaxMessageFragments} frames (limits.maxMessageFragments)");
            _skipRemaining = frameLength;
            return StepKind.Continue;
        }

        var total = (starting ? 0 : _messageLength) + header.PayloadLength; // long: a frame may claim up to 2^62 bytes
        if (total > _settings.MaxMessageBytes)
        {
            BeginClose(CloseCodes.MessageTooBig, $"Message exceeds {_settings.MaxMessageBytes} bytes");
            _skipRemaining = frameLength;
            return StepKind.Continue;
        }

        if (starting)
        {
            _inMessage = true;
            _fragments = 0;
            _messageIsText = header.Opcode == WebSocketOpcode.Text;
            _messageLength = 0;
            Volatile.Write(ref _messageStartedTimestamp, headerTime);
        }

        _fragments++;
        _inFrame = true;
        _frameRemaining = header.PayloadLength;
        _frameMask = header.MaskKey;
        _frameFin = header.Fin;
        buffer = buffer.Slice(header.HeaderLength);
        return TakePayload(ref buffer, headerTime, out message, out length, out isText);
    }

    /// <summary>Copies (and unmasks) what has arrived of the current data frame's payload into the message.</summary>
    private StepKind TakePayload(ref ReadOnlySequence<byte> buffer, long now, out byte[] message, out int length, out bool isText)
    {
        message = [];
        length = 0;
        isText = false;

        var taking = (int)Math.Min(_frameRemaining, buffer.Length);
        if (taking == 0 && _frameRemaining > 0)
        {
            // Nothing of the payload yet: no buffer until there is something to put in it.
            return StepKind.NeedMoreData;
        }

        if (!TryReserveAssembly(_messageLength + taking, _messageLength + _frameRemaining))
        {
            // The gateway-wide assembly budget (limits.messageAssemblyBudgetBytes) is spent: this client is told to
            // come back later rather than every connection's memory growing without bound.
            BeginClose(CloseCodes.TryAgainLater, "Server busy: too many large messages arriving at once (limits.messageAssemblyBudgetBytes)");
            _inFrame = false;
            _skipRemaining = _frameRemaining;
            return StepKind.Continue;
        }

        if (taking > 0)
        {
            var destination = _message.AsSpan(_messageLength, taking);
            buffer.Slice(0, taking).CopyTo(destination);
            Unmask(destination, _frameMask);
            _frameMask = BitOperations.RotateRight(_frameMask, 8 * (taking & 3));
            _messageLength += taking;
            _frameRemaining -= taking;
            buffer = buffer.Slice(taking);
        }

        if (_frameRemaining > 0)
        {
            return StepKind.NeedMoreData;
        }

        _inFrame = false;
        if (!_frameFin)
        {
            return StepKind.Continue;
        }

        _inMessage = false;
        Volatile.Write(ref _messageStartedTimestamp, NoMessageArriving);
        message = _message!;
        length = _messageLength;
        isText = _messageIsText;
        _message = null;

        if (isText ? !Utf8.IsValid(message.AsSpan(0, length)) : _settings.RejectBinary)
        {
            ReturnAssemblyBuffer(message);
            if (isText)
            {
                BeginClose(CloseCodes.InvalidPayload, "Text message is not valid UTF-8");
            }
            else
            {
                BeginClose(CloseCodes.UnsupportedData, "Binary frames are not accepted");
            }

            return StepKind.Continue;
        }

        Volatile.Write(ref _lastActiveTimestamp, now);
        Volatile.Write(ref _lastTrafficTimestamp, now);
        return StepKind.Message;
    }

    /// <summary>
    /// Makes the assembly buffer hold at least <paramref name="needed"/> bytes, taking its size from the assembly
    /// budget. A final frame whose payload is all here gets exactly what it needs; otherwise the buffer doubles from
    /// 4 KiB, never past what the frame (when final) or the message limit allows, so it stays within about twice what
    /// the client has actually sent. False when the budget cannot cover it.
    /// </summary>
    [MemberNotNullWhen(true, nameof(_message))]
    private bool TryReserveAssembly(long needed, long frameEnd)
    {
        if (_message is not null && _message.Length >= needed)
        {
            return true;
        }

        var current = _message?.Length ?? 0;
        var limit = _frameFin ? frameEnd : _settings.MaxMessageBytes;
        var size = needed == frameEnd && _frameFin
            ? needed
            : Math.Clamp(Math.Max(FirstPartialBufferBytes, 2L * current), needed, limit);
        var grown = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, size));
        if (!_assemblyBudget.TryTake(grown.Length))
        {
            ArrayPool<byte>.Shared.Return(grown);
            return false;
        }

        if (_message is not null)
        {
            _message.AsSpan(0, _messageLength).CopyTo(grown);
            ReturnAssemblyBuffer(_message);
        }

        _message = grown;
        return true;
    }

    private void ReturnAssemblyBuffer(byte[] buffer)
    {
        _assemblyBudget.Give(buffer.Length);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private StepKind OnControlFrame(in FrameHeader header, ReadOnlySequence<byte> maskedPayload, bool open)
    {
        Span<byte> payload = stackalloc byte[125];
        payload = payload[..(int)header.PayloadLength];
        maskedPayload.CopyTo(payload);
        Unmask(payload, header.MaskKey);

        switch (header.Opcode)
        {
            case WebSocketOpcode.Ping:
                if (open)
                {
                    TryEnqueue(WebSocketFrames.Build(WebSocketOpcode.Pong, payload), isMessage: false);
                }

                return StepKind.Continue;
            case WebSocketOpcode.Pong:
                return StepKind.Continue;
            default:
                OnCloseFrame(payload);
                return StepKind.Stop;
        }
    }

    private void OnCloseFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0)
        {
            if (BeginClose(CloseCodes.Normal, ""))
            {
                // What API Gateway reports to $disconnect for a close frame without a code.
                CloseStatus = CloseCodes.NoStatus;
                CloseReason = "Client-side close frame status not set";
            }

            return;
        }

        var code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)0;
        if (payload.Length == 1 || !IsValidReceivedCloseCode(code))
        {
            BeginClose(CloseCodes.ProtocolError, "Invalid close frame");
            return;
        }

        if (!Utf8.IsValid(payload[2..]))
        {
            BeginClose(CloseCodes.InvalidPayload, "Close reason is not valid UTF-8");
            return;
        }

        // Echo the peer's code (RFC 6455 section 5.5.1); when we began the close this does nothing.
        if (BeginClose(code, ""))
        {
            CloseReason = System.Text.Encoding.UTF8.GetString(payload[2..]);
        }
    }

    private static bool IsValidReceivedCloseCode(ushort code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    private static void Unmask(Span<byte> data, uint maskKey)
    {
        // maskKey holds the four key bytes in wire order in memory (little-endian load), so a 64-bit word of the key
        // lines up with every 8 payload bytes.
        var mask64 = maskKey | ((ulong)maskKey << 32);
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= mask64;
        }

        for (var i = words.Length * 8; i < data.Length; i++)
        {
            data[i] ^= (byte)(maskKey >> (8 * (i & 3)));
        }
    }
}
