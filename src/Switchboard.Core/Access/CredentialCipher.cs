using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Access;

/// <summary>
/// Encrypts credential secrets at rest with AES-256-GCM under a key kept outside the store: from
/// <c>SWITCHBOARD_CREDENTIALS_KEY</c> (32 bytes, base64) when set, else the file <c>credentials.key</c> in the data
/// directory, created once with owner-only permissions. A copy of the store (a backup, a shared file, a Redis dump)
/// then holds no usable secret. Each secret has its own random nonce and is bound to its access key id, so a
/// ciphertext moved to another row does not decrypt. Every store that keeps credentials seals them here, so all
/// stores protect them alike; processes sharing one store (nodes on one Redis) must share the key too.
/// </summary>
public sealed class CredentialCipher
{
    public const string KeyVariable = "SWITCHBOARD_CREDENTIALS_KEY";
    public const string KeyFileName = "credentials.key";

    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;

    private CredentialCipher(byte[] key) => _key = key;

    /// <summary>What is wrong with <c>SWITCHBOARD_CREDENTIALS_KEY</c>, or null when it is unset or usable: checked before a command starts.</summary>
    public static string? KeyProblem(Func<string, string?> environment)
    {
        if (environment(KeyVariable) is not { Length: > 0 } encoded)
        {
            return null;
        }

        try
        {
            var length = Convert.FromBase64String(encoded).Length;
            return length == KeyBytes ? null : $"{KeyVariable} must be {KeyBytes} bytes (base64 of {KeyBytes} random bytes); got {length}. Generate one with: openssl rand -base64 32";
        }
        catch (FormatException)
        {
            return $"{KeyVariable} is not base64; generate one with: openssl rand -base64 32";
        }
    }

    /// <summary>
    /// The key from the environment, else from (or newly into) <c>credentials.key</c> in <paramref name="dataDirectory"/>,
    /// which is created when missing.
    /// </summary>
    public static CredentialCipher Open(string dataDirectory, Func<string, string?> environment)
    {
        if (environment(KeyVariable) is { Length: > 0 } encoded)
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{KeyVariable} is not base64; generate one with: openssl rand -base64 32");
            }

            return key.Length == KeyBytes
                ? new CredentialCipher(key)
                : throw new InvalidOperationException($"{KeyVariable} must be {KeyBytes} bytes (base64 of {KeyBytes} random bytes); got {key.Length}. Generate one with: openssl rand -base64 32");
        }

        // A Redis store has no other use for the data directory, so it may not exist yet: made owner-only, as
        // SqliteDatabase.Open makes it, since the key file in it opens every secret.
        var directory = Path.GetFullPath(dataDirectory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new CredentialCipher(LoadOrCreateKeyFile(Path.Combine(directory, KeyFileName)));
    }

    /// <summary>
    /// Names the key without revealing it (HMAC-SHA256 of a fixed label under the key, base64), so processes sharing a
    /// store can tell that they seal with the same key before one of them writes a secret the others cannot open.
    /// </summary>
    public string KeyFingerprint() =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, "switchboard credentials key fingerprint"u8));

    public byte[] Encrypt(string accessKeyId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(accessKeyId));
        return sealedBytes;
    }

    /// <summary>The secret; throws <see cref="InvalidOperationException"/> when the key is not the one it was sealed with.</summary>
    public string Decrypt(string accessKeyId, byte[] sealedBytes)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new InvalidOperationException($"the stored secret of {accessKeyId} is damaged");
        }

        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), plain, Encoding.UTF8.GetBytes(accessKeyId));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException(
                $"the secret of {accessKeyId} cannot be decrypted with this credentials key ({KeyVariable} or {KeyFileName}); it was stored with another one");
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] LoadOrCreateKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(KeyBytes);
            try
            {
                // CreateNew: of two processes racing, one writes and the other reads what it wrote.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var file = new FileStream(path, options);
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh) + "\n"));
                return fresh;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }

        var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return key.Length == KeyBytes ? key : throw new InvalidOperationException($"{path} does not hold a {KeyBytes}-byte base64 key");
    }
}
