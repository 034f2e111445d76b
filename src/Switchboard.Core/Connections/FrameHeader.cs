using System.Buffers;
using System.Buffers.Binary;

namespace Switchboard.Connections;

/// <summary>A parsed client frame header (RFC 6455 section 5.2), or the protocol error that makes it unusable.</summary>
internal readonly struct FrameHeader
{
    public bool Fin { get; private init; }

    public WebSocketOpcode Opcode { get; private init; }

    public int HeaderLength { get; private init; }

    public long PayloadLength { get; private init; }

    /// <summary>The masking key's four bytes as a little-endian load of their wire order.</summary>
    public uint MaskKey { get; private init; }

    /// <summary>Why the frame breaks the protocol, or null.</summary>
    public string? Error { get; private init; }

    public bool IsControl => ((byte)Opcode & 0x8) != 0;

    public static bool TryRead(in ReadOnlySequence<byte> buffer, out FrameHeader header)
    {
        header = default;
        if (buffer.Length < 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[14];
        var available = (int)Math.Min(14, buffer.Length);
        buffer.Slice(0, available).CopyTo(bytes);

        var first = bytes[0];
        var second = bytes[1];
        var opcode = (WebSocketOpcode)(first & 0x0F);
        var masked = (second & 0x80) != 0;
        var length7 = second & 0x7F;
        var extended = length7 switch { 126 => 2, 127 => 8, _ => 0 };
        var headerLength = 2 + extended + (masked ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        long payloadLength = extended switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            8 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]), long.MaxValue / 2),
            _ => length7,
        };

        header = new FrameHeader
        {
            Fin = (first & 0x80) != 0,
            Opcode = opcode,
            HeaderLength = headerLength,
            PayloadLength = payloadLength,
            MaskKey = masked ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(2 + extended)..]) : 0,
            Error = Validate(first, opcode, masked, payloadLength),
        };
        return true;
    }

    private static string? Validate(byte first, WebSocketOpcode opcode, bool masked, long payloadLength)
    {
        if ((first & 0x70) != 0)
        {
            return "Reserved bits set without a negotiated extension";
        }

        if (!masked)
        {
            return "Client frames must be masked";
        }

        return opcode switch
        {
            WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary => null,
            WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong when (first & 0x80) == 0 => "Control frames must not be fragmented",
            WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong when payloadLength > 125 => "Control frame payload over 125 bytes",
            WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong => null,
            _ => "Unknown opcode",
        };
    }
}
