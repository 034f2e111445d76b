using System.Text;

namespace Switchboard.Tests.Fuzz;

/// <summary>
/// Shared pieces of the seeded fuzz tests: how a failing case is named (seed, case index, input as base64 and hex) and
/// the mutations every byte-level target uses. Each test owns one <see cref="Random"/> with a fixed seed, so a failure
/// replays exactly by rerunning the test.
/// </summary>
internal static class Fuzz
{
    /// <summary>Bytes a parser is most likely to trip on: line ends, NUL, DEL, the top of Latin-1, the UTF-8 lead bytes.</summary>
    private static readonly byte[] Awkward = [(byte)'\r', (byte)'\n', 0x00, 0x7F, 0x80, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF, (byte)':', (byte)' ', (byte)'\t', (byte)'%', (byte)'?', (byte)'/'];

    /// <summary>What an assertion message carries so the case can be replayed by hand or saved to the corpus.</summary>
    public static string Describe(int seed, int index, ReadOnlySpan<byte> input) =>
        $"seed {seed}, case {index}, {input.Length} bytes; base64 {Convert.ToBase64String(input)}; hex {Convert.ToHexString(input[..Math.Min(input.Length, 512)])}";

    public static string Describe(int seed, int index, string input) =>
        Describe(seed, index, Encoding.UTF8.GetBytes(input));

    public static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One to <paramref name="maxMutations"/> random edits: flips, awkward bytes in or over, cuts, duplicated runs.</summary>
    public static byte[] Mutate(Random random, byte[] input, int maxMutations = 4)
    {
        var bytes = new List<byte>(input);
        var count = random.Next(1, maxMutations + 1);
        for (var m = 0; m < count; m++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, Awkward[random.Next(Awkward.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes[at] = Awkward[random.Next(Awkward.Length)];
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8)));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, random.Next(1, 40));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Cuts <paramref name="length"/> bytes into consecutive chunk sizes: mostly small, sometimes one byte, sometimes all.</summary>
    public static List<int> Chunks(Random random, int length)
    {
        var sizes = new List<int>();
        var mode = random.Next(4);
        var left = length;
        while (left > 0)
        {
            var size = mode switch
            {
                0 => left,
                1 => 1,
                2 => random.Next(1, 8),
                _ => random.Next(1, 200),
            };
            size = Math.Min(size, left);
            sizes.Add(size);
            left -= size;
        }

        return sizes;
    }
}
