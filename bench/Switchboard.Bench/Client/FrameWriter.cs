using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Switchboard.Bench.Client;

/// <summary>Client-to-server WebSocket frames (RFC 6455 section 5.2): FIN set, masked, with a 7, 16 or 64-bit length.</summary>
internal static class FrameWriter
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    public static int FrameLength(int payloadLength) => HeaderLength(payloadLength) + payloadLength;

    public static int HeaderLength(int payloadLength) => payloadLength switch
    {
        < 126 => 2 + 4,
        <= ushort.MaxValue => 4 + 4,
        _ => 10 + 4,
    };

    /// <summary>Writes one complete frame carrying <paramref name="payload"/> to <paramref name="destination"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, byte opcode, ReadOnlySpan<byte> payload, uint maskKey)
    {
        destination[0] = (byte)(0x80 | opcode);
        int header;
        if (payload.Length < 126)
        {
            destination[1] = (byte)(0x80 | payload.Length);
            header = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            header = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            header = 10;
        }

        MemoryMarshal.Write(destination[header..], in maskKey);
        var body = destination.Slice(header + 4, payload.Length);
        payload.CopyTo(body);
        Mask(body, maskKey);
        return header + 4 + payload.Length;
    }

    /// <summary>XORs <paramref name="data"/> with the four key bytes as laid out in memory, eight bytes at a time.</summary>
    public static void Mask(Span<byte> data, uint maskKey)
    {
        var wide = ((ulong)maskKey << 32) | maskKey;
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        for (var i = 0; i < longs.Length; i++)
        {
            longs[i] ^= wide;
        }

        // The key repeats every four bytes and the ulong part is a multiple of eight, so the tail starts at key byte 0.
        Span<byte> key = stackalloc byte[4];
        MemoryMarshal.Write(key, in maskKey);
        for (var i = longs.Length * 8; i < data.Length; i++)
        {
            data[i] ^= key[i & 3];
        }
    }
}
