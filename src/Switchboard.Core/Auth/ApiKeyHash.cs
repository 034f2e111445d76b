using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Auth;

/// <summary>
/// How key values are hashed for storage: HMAC-SHA256 keyed with a random salt that each store creates once.
/// One salt per store (not per key) keeps lookup by value a single indexed read; keys are high-entropy, so the salt's
/// job is only to make a stolen table useless against precomputed hashes.
/// </summary>
public static class ApiKeyHash
{
    public const int SaltBytes = 32;

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    public static byte[] Compute(ReadOnlySpan<byte> salt, string value)
    {
        var valueBytes = Encoding.UTF8.GetBytes(value);
        return HMACSHA256.HashData(salt, valueBytes);
    }

    /// <summary>Generates a key value: 30 characters of <c>[A-Za-z0-9]</c> (about 178 bits).</summary>
    public static string Generate()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(Alphabet, 30);
    }
}
