using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Connections;

/// <summary>
/// Builds server-to-client frames (RFC 6455 section 5.2). Server frames are never masked, so one frame's bytes are the
/// same for every recipient: a broadcast builds them once and every connection writes that one array.
/// </summary>
internal static class WebSocketFrames
{
    public static int HeaderLength(int payloadLength) => payloadLength switch
    {
        <= 125 => 2,
        <= ushort.MaxValue => 4,
        _ => 10,
    };

    /// <summary>A complete, unfragmented frame.</summary>
    public static byte[] Build(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var header = HeaderLength(payload.Length);
        var frame = GC.AllocateUninitializedArray<byte>(header + payload.Length);
        WriteHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(header));
        return frame;
    }

    public static byte[] Text(ReadOnlySpan<byte> utf8) => Build(WebSocketOpcode.Text, utf8);

    public static byte[] Text(string text) => Build(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text));

    /// <summary>A close frame; the reason is cut to fit the 125-byte control-frame limit.</summary>
    public static byte[] Close(ushort code, string reason)
    {
        Span<byte> payload = stackalloc byte[125];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        var reasonLength = Encoding.UTF8.GetByteCount(reason) <= 123
            ? Encoding.UTF8.GetBytes(reason, payload[2..])
            : 0;
        return Build(WebSocketOpcode.Close, payload[..(2 + reasonLength)]);
    }

    private static void WriteHeader(Span<byte> destination, WebSocketOpcode opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | (byte)opcode); // FIN: the gateway never fragments what it sends.
        switch (HeaderLength(payloadLength))
        {
            case 2:
                destination[1] = (byte)payloadLength;
                break;
            case 4:
                destination[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
                break;
            default:
                destination[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
                break;
        }
    }
}
