using System.Buffers.Text;
using System.Security.Cryptography;

namespace Switchboard.Connections;

/// <summary>
/// Connection and request ids: 12 random bytes (96 bits) as 16 characters of base64url, so ids are unguessable, never
/// reused in practice, and need no escaping in a URL path (the README).
/// </summary>
internal static class ConnectionIds
{
    public const int Length = 16;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Whether <paramref name="id"/> could be an id this gateway issued (cheap check before any lookup).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> id)
    {
        if (id.Length != Length)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
