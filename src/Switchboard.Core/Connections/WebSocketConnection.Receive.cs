using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Switchboard.Connections;

public sealed partial class WebSocketConnection
{
    // Message assembly state; touched only by the receive loop.
    private byte[]? _message;
    private int _messageLength;
    private bool _messageIsText;
    private bool _inMessage;
    private int _fragments;
    private long _skipRemaining;

    // Unix ms when the message now arriving began (its first frame's header was read); 0 between messages. The
    // sweeper closes a connection whose message has not arrived whole within limits.messageAssemblySeconds.
    private long _messageStartedMs;

    /// <summary>Unix ms when the message still arriving began, or 0.</summary>
    internal long MessageStartedMs => Volatile.Read(ref _messageStartedMs);

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
                var result = await _input.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var stop = false;
                var needMore = false;
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
                                await handler.OnMessageAsync(this, message.AsMemory(0, length), isText).ConfigureAwait(false);
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
                                ArrayPool<byte>.Shared.Return(message);
                            }

                            break;
                    }
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
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
                ArrayPool<byte>.Shared.Return(_message);
                _message = null;
            }
        }
    }

    /// <summary>Consumes at most one frame from <paramref name="buffer"/>; a complete message is handed back rented.</summary>
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

        if (!FrameHeader.TryRead(buffer, out var header))
        {
            return StepKind.NeedMoreData;
        }

        var now = NowMs();
        Volatile.Write(ref _lastReceivedMs, now);
        var open = Volatile.Read(ref _state) == StateOpen;

        if (header.Error is { } protocolError)
        {
            BeginClose(CloseCodes.ProtocolError, protocolError);
            return StepKind.Stop;
        }

        var frameLength = header.HeaderLength + header.PayloadLength;
        if (header.IsControl)
        {
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

        if (Volatile.Read(ref _messageStartedMs) == 0)
        {
            Volatile.Write(ref _messageStartedMs, now);
        }

        // Fragments are counted when taken (below), so reading this header again while its payload arrives changes nothing.
        if (!starting && _fragments >= _settings.MaxMessageFragments)
        {
            BeginClose(CloseCodes.PolicyViolation, $"Message split into more than {_settings.MaxMessageFragments} frames (limits.maxMessageFragments)");
            _skipRemaining = frameLength;
            return StepKind.Continue;
        }

        var total = (starting ? 0 : _messageLength) + header.PayloadLength; // long: a frame may claim up to 2^63 bytes
        if (total > _settings.MaxMessageBytes)
        {
            BeginClose(CloseCodes.MessageTooBig, $"Message exceeds {_settings.MaxMessageBytes} bytes");
            _skipRemaining = frameLength;
            return StepKind.Continue;
        }

        if (buffer.Length < frameLength)
        {
            return StepKind.NeedMoreData;
        }

        if (starting)
        {
            _inMessage = true;
            _fragments = 0;
            _messageIsText = header.Opcode == WebSocketOpcode.Text;
            _messageLength = 0;
            _message = ArrayPool<byte>.Shared.Rent(header.Fin ? Math.Max(1, (int)header.PayloadLength) : Math.Max(4096, (int)header.PayloadLength));
        }
        else if (_message!.Length < total)
        {
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(total, _message.Length * 2L), _settings.MaxMessageBytes));
            _message.AsSpan(0, _messageLength).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_message);
            _message = grown;
        }

        var destination = _message.AsSpan(_messageLength, (int)header.PayloadLength);
        buffer.Slice(header.HeaderLength, header.PayloadLength).CopyTo(destination);
        Unmask(destination, header.MaskKey);
        _messageLength = (int)total;
        _fragments++;
        buffer = buffer.Slice(frameLength);

        if (!header.Fin)
        {
            return StepKind.Continue;
        }

        _inMessage = false;
        Volatile.Write(ref _messageStartedMs, 0);
        message = _message;
        length = _messageLength;
        isText = _messageIsText;
        _message = null;

        if (isText ? !Utf8.IsValid(message.AsSpan(0, length)) : _settings.RejectBinary)
        {
            ArrayPool<byte>.Shared.Return(message);
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

        Volatile.Write(ref _lastActiveMs, now);
        Volatile.Write(ref _lastTrafficMs, now);
        return StepKind.Message;
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
