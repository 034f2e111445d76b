using System.Security.Cryptography;

namespace Switchboard.Integrations;

/// <summary>Compares a client-supplied secret with the configured one without leaking, through timing, where or whether they differ.</summary>
internal static class SecretComparer
{
    /// <summary>
    /// True when <paramref name="candidateUtf8"/> equals <paramref name="secretUtf8"/> byte for byte. The time taken
    /// does not depend on where the two differ, nor on whether their lengths match: both are hashed to SHA-256 first,
    /// so <see cref="CryptographicOperations.FixedTimeEquals"/> always compares 32 bytes and a length mismatch cannot
    /// return early. A missing candidate is the caller's to reject.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> candidateUtf8, ReadOnlySpan<byte> secretUtf8)
    {
        Span<byte> candidateHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> secretHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(candidateUtf8, candidateHash);
        SHA256.HashData(secretUtf8, secretHash);
        return CryptographicOperations.FixedTimeEquals(candidateHash, secretHash);
    }
}
