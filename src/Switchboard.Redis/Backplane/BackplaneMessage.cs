using System.Buffers.Binary;
using System.Text;

namespace Switchboard.Redis.Backplane;

/// <summary>
/// One message on the backplane, as bytes: a kind, the id of the request an answer is for (0: no answer wanted), the
/// run of the node that sent it (where answers go), then the kind's strings and numbers, and last the WebSocket frame
/// itself. The frame is copied into the message once per send and read back on each node as a slice of the received
/// bytes, so a broadcast's payload crosses Redis once and is never copied per recipient.
/// </summary>
internal readonly struct BackplaneMessage
{
    public required BackplaneKind Kind { get; init; }

    public required long RequestId { get; init; }

    public required string OriginRunId { get; init; }

    public string Api { get; init; }

    public string Stage { get; init; }

    /// <summary>The connection id (sends to one, joins, leaves, closes, descriptions) or the group name (group sends).</summary>
    public string Target { get; init; }

    /// <summary>The connection to leave out of a fan-out, the group of a join or leave, or a close reason; "" for none.</summary>
    public string Extra { get; init; }

    /// <summary>The close code, an answer's <see cref="Delivery.DeliveryStatus"/>, or an answer's count.</summary>
    public int Number { get; init; }

    /// <summary>The frame to send, or an answer's snapshot; empty for none.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    public BackplaneMessage()
    {
        Api = Stage = Target = Extra = "";
    }

    public byte[] ToBytes()
    {
        var length = 1 + 8 + 4 + Size(OriginRunId) + Size(Api) + Size(Stage) + Size(Target) + Size(Extra) + Body.Length;
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], Number);
        var at = 13;
        foreach (var text in (ReadOnlySpan<string>)[OriginRunId, Api, Stage, Target, Extra])
        {
            at += Write(span[at..], text);
        }

        Body.Span.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>Reads a message; false (never an exception) for bytes that are not one, such as another program's message on the channel.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> bytes, out BackplaneMessage message)
    {
        message = default;
        var span = bytes.Span;
        if (span.Length < 13 || span[0] is 0 or > (byte)BackplaneKind.Reply)
        {
            return false;
        }

        var at = 13;
        Span<string> texts = new string[5];
        for (var i = 0; i < texts.Length; i++)
        {
            if (!TryRead(span, ref at, out texts[i]))
            {
                return false;
            }
        }

        message = new BackplaneMessage
        {
            Kind = (BackplaneKind)span[0],
            RequestId = BinaryPrimitives.ReadInt64LittleEndian(span[1..]),
            Number = BinaryPrimitives.ReadInt32LittleEndian(span[9..]),
            OriginRunId = texts[0],
            Api = texts[1],
            Stage = texts[2],
            Target = texts[3],
            Extra = texts[4],
            Body = bytes[at..],
        };
        return true;
    }

    private static int Size(string text) => 2 + Encoding.UTF8.GetByteCount(text);

    private static int Write(Span<byte> span, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, span[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)written));
        return 2 + written;
    }

    private static bool TryRead(ReadOnlySpan<byte> span, ref int at, out string text)
    {
        text = "";
        if (span.Length - at < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        if (span.Length - at - 2 < length)
        {
            return false;
        }

        text = Encoding.UTF8.GetString(span.Slice(at + 2, length));
        at += 2 + length;
        return true;
    }
}
