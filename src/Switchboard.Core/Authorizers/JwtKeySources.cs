using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Authorizers;

/// <summary>
/// Reads a <c>jwt</c> authorizer's keys: the HS256 secret from the environment, or the RS256/ES256 public keys of a
/// JWKS (RFC 7517). What cannot work is refused at start with a one-line message, rather than every token later.
/// </summary>
internal static class JwtKeySources
{
    /// <summary>RFC 7518 section 3.2: an HS256 key MUST be at least as long as the hash output (256 bits).</summary>
    public const int MinimumSecretBytes = 32;

    public static JwtKeySet FromSecret(string variable, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidOperationException(
                $"jwt authorizer: secretEnv names {variable}, which is not set or is empty; set it to the HS256 shared secret the tokens are signed with");
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < MinimumSecretBytes)
        {
            throw new InvalidOperationException(
                $"jwt authorizer: {variable} holds a {bytes.Length}-byte secret; HS256 needs at least {MinimumSecretBytes} bytes (RFC 7518 section 3.2), e.g. the output of 'openssl rand -base64 32'");
        }

        return JwtKeySet.FromSecret(new SymmetricSecurityKey(bytes));
    }

    public static JwtKeySet FromFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        string json;
        try
        {
            json = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"jwt authorizer: cannot read jwksFile {fullPath}: {ex.Message}", ex);
        }

        try
        {
            return JwtKeySet.FromJwks(ParseJwks(json));
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"jwt authorizer: jwksFile {fullPath}: {ex.Message}", ex);
        }
    }

    /// <summary>The signing keys of a JWKS that RS256 or ES256 can use; a <see cref="FormatException"/> saying why when there are none.</summary>
    public static IReadOnlyList<SecurityKey> ParseJwks(string json)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            throw new FormatException("not a JWKS: expected a JSON object with a \"keys\" array");
        }

        // The library drops keys it cannot read (a bad modulus, an encryption key); ES256 needs P-256, so a P-384 key is no use either.
        IReadOnlyList<SecurityKey> keys =
        [
            .. set.GetSigningKeys().Where(static k => k is RsaSecurityKey or X509SecurityKey or ECDsaSecurityKey { KeySize: 256 }),
        ];
        return keys.Count > 0
            ? keys
            : throw new FormatException($"no usable keys among its {set.Keys.Count}: expected RSA (RS256) or P-256 EC (ES256) signing keys");
    }
}
