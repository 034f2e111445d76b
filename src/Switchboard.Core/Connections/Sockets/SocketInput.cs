using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Switchboard.Connections.Sockets;

/// <summary>
/// The receive side of a socket the connection owns, shaped like a pipe reader for the receive loop but without a
/// pipe: the loop waits with a zero-byte receive (no buffer, no task of its own while idle), then <see cref="Read"/>
/// takes what has arrived with one non-blocking receive into a pooled buffer, which goes back to the pool as soon as
/// everything in it is consumed. The loop parses frames as they arrive (payload is copied into the message), so the
/// buffer need not hold a whole message; it grows only for a head cut at its end, never past <see cref="MaxBytes"/>.
/// It is 16 KiB rather than 4 because everything one read takes is fanned out under one cork (<see cref="SendCork"/>):
/// a publisher's burst of small messages read at once leaves as one send per recipient instead of four
/// (docs/performance.md: max-rate fan-out 2.7M to 3.9M deliveries/s). Nothing holds it while a connection is idle.
/// </summary>
internal sealed class SocketInput(Socket socket)
{
    private const int ReadBytes = 16384;
    private const int MaxBytes = 64 * 1024;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll = true;
    private bool _completed;

    /// <summary>True when everything buffered was examined: wait for the socket before the next <see cref="Read"/>.</summary>
    public bool NeedsData => _examinedAll && !_completed;

    /// <summary>What has arrived and is not consumed yet, after one non-blocking receive when more was needed; completed at end of stream.</summary>
    public ReadResult Read()
    {
        if (_examinedAll && !_completed)
        {
            MakeRoom();
            var received = socket.Receive(_buffer!, _end, _buffer!.Length - _end, SocketFlags.None, out var error);
            if (error == SocketError.Success && received > 0)
            {
                _end += received;
            }
            else if (error != SocketError.WouldBlock)
            {
                // End of stream (0 bytes), a reset or a shut-down socket: nothing more will arrive.
                _completed = true;
            }
        }

        var data = _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        return new ReadResult(data, isCanceled: false, isCompleted: _completed);
    }

    /// <summary>As <see cref="PipeReader.AdvanceTo(SequencePosition, SequencePosition)"/>, for positions of the last <see cref="Read"/>.</summary>
    public void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            _examinedAll = true;
            return;
        }

        // A position in a sequence over one array is its index in that array (OwnedSocketTests cut frame headers
        // across reads to check that a partly consumed buffer is kept and waited on, not parsed again).
        _start = consumed.GetInteger();
        _examinedAll = examined.GetInteger() >= _end;
        if (_start == _end)
        {
            Release();
        }
    }

    /// <summary>Gives the buffer back to the pool; at the end of the connection, or whenever everything is consumed.</summary>
    public void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _start = _end = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(ReadBytes);
            return;
        }

        if (_end < _buffer.Length)
        {
            return;
        }

        var unconsumed = _end - _start;
        var target = _start > 0 ? _buffer : ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxBytes));
        if (unconsumed == target.Length)
        {
            // Cannot happen with this receive loop (it never leaves more than a frame header unconsumed): fail
            // rather than spin.
            throw new InvalidOperationException("the receive buffer is full of unconsumed bytes");
        }

        Buffer.BlockCopy(_buffer, _start, target, 0, unconsumed);
        if (!ReferenceEquals(target, _buffer))
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }

        _start = 0;
        _end = unconsumed;
    }
}
