namespace Switchboard.Connections;

/// <summary>
/// One thread's buffer for writing several queued frames to an owned socket with one plain <c>send()</c>. A gather
/// send of the frames themselves costs a pinned GC handle per frame and an array of handles and one of iovecs per call
/// (the runtime's <c>Socket.Send(IList&lt;ArraySegment&lt;byte&gt;&gt;)</c>), more than the copy for small frames.
/// The buffer remembers which frames it holds, in order, so the next connection with the same frames (every recipient
/// of a fan-out under one cork) sends them without copying again: a broadcast's frames are copied once per thread,
/// not once per recipient. Frames are never changed once built and the buffer keeps them referenced, so a frame it
/// holds is always the same bytes. A frame larger than the buffer is never copied: it goes alone (see
/// <see cref="WebSocketConnection"/>'s queue writes).
/// </summary>
internal sealed class SendStaging
{
    /// <summary>Bytes one send carries at most (with a frame larger than this sent on its own instead).</summary>
    public const int Capacity = 64 * 1024;

    private const int MaxFrames = 512;

    [ThreadStatic]
    private static SendStaging? t_current;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(Capacity);
    private readonly ReadOnlyMemory<byte>[] _frames = new ReadOnlyMemory<byte>[MaxFrames];
    private int _valid;   // _frames[0.._valid) are in _buffer, back to back
    private int _next;    // frames staged for the current send
    private int _length;  // their bytes

    /// <summary>This thread's buffer, emptied for a new send (what it held stays for reuse).</summary>
    public static SendStaging Begin()
    {
        var staging = t_current ??= new SendStaging();
        staging._next = 0;
        staging._length = 0;
        return staging;
    }

    /// <summary>The bytes staged since <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> Staged => _buffer.AsSpan(0, _length);

    /// <summary>Appends a frame; false when it does not fit (the send then carries what was staged before it).</summary>
    public bool TryAdd(ReadOnlyMemory<byte> frame)
    {
        if (_next == MaxFrames || _length + frame.Length > Capacity)
        {
            return false;
        }

        // Same array, offset and length as the frame already at this place: its bytes are there.
        if (_next >= _valid || !_frames[_next].Equals(frame))
        {
            frame.Span.CopyTo(_buffer.AsSpan(_length));
            _frames[_next] = frame;
            _valid = _next + 1;
        }

        _next++;
        _length += frame.Length;
        return true;
    }
}
