namespace Switchboard.Bench.Payload;

/// <summary>
/// The text of a benchmark message, fixed width so a publisher stamps it in place and a subscriber parses it without
/// allocating: <c>TTTTTTTTTTTTTTTTTTT.SSSSSSSSSS.PPPP.xxxx...</c> = send time (Stopwatch ticks, 19 digits), sequence
/// (10 digits), publisher index (4 digits), then padding to the requested size. Plain ASCII, so it needs no JSON
/// escaping and arrives byte for byte as sent.
/// </summary>
internal static class BenchPayload
{
    private const int TicksDigits = 19;
    private const int SequenceDigits = 10;
    private const int PublisherDigits = 4;
    private const int SequenceOffset = TicksDigits + 1;
    private const int PublisherOffset = SequenceOffset + SequenceDigits + 1;

    public const int MinSize = PublisherOffset + PublisherDigits + 1;

    public const int MaxPublishers = 9999;

    /// <summary>Writes the separators and padding once; <see cref="Stamp"/> then only rewrites the numbers.</summary>
    public static void Initialize(Span<byte> text, int publisher)
    {
        text.Fill((byte)'x');
        text[TicksDigits] = (byte)'.';
        text[PublisherOffset - 1] = (byte)'.';
        text[PublisherOffset + PublisherDigits] = (byte)'.';
        WriteDigits(text.Slice(PublisherOffset, PublisherDigits), publisher);
    }

    public static void Stamp(Span<byte> text, long ticks, long sequence)
    {
        WriteDigits(text[..TicksDigits], ticks);
        WriteDigits(text.Slice(SequenceOffset, SequenceDigits), sequence);
    }

    public static bool TryParse(ReadOnlySpan<byte> text, out long ticks, out long sequence, out int publisher)
    {
        sequence = 0;
        publisher = 0;
        if (text.Length < MinSize || text[TicksDigits] != '.' || text[PublisherOffset - 1] != '.')
        {
            ticks = 0;
            return false;
        }

        if (!TryReadDigits(text[..TicksDigits], out ticks)
            || !TryReadDigits(text.Slice(SequenceOffset, SequenceDigits), out sequence)
            || !TryReadDigits(text.Slice(PublisherOffset, PublisherDigits), out var p))
        {
            return false;
        }

        publisher = (int)p;
        return true;
    }

    private static void WriteDigits(Span<byte> destination, long value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            var (quotient, digit) = Math.DivRem(value, 10);
            destination[i] = (byte)('0' + digit);
            value = quotient;
        }
    }

    private static bool TryReadDigits(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        foreach (var b in digits)
        {
            var d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }
}
