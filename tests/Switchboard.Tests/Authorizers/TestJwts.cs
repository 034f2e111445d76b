using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Tests.Authorizers;

/// <summary>
/// Tokens for <c>jwt</c> authorizer tests, signed with the same library the gateway validates with, with exactly the
/// claims a test gives (no times added behind its back).
/// </summary>
public static class TestJwts
{
    public const string Issuer = "https://issuer.switchboard.test";
    public const string Audience = "switchboard-tests";
    public const string SecretVariable = "JWT_SECRET";
    public const string Secret = "a-shared-secret-of-more-than-32-bytes-for-hs256";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static SigningCredentials Hs256(string secret = Secret) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256);

    /// <summary>The claims of a token that passes: the test's issuer and audience, issued now, valid for <paramref name="lifetime"/> (default an hour).</summary>
    public static Dictionary<string, object?> Claims(TimeProvider clock, string subject = "user-1", TimeSpan? lifetime = null)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return new Dictionary<string, object?>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = subject,
            ["iat"] = now,
            ["exp"] = now + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
        };
    }

    public static string Sign(IReadOnlyDictionary<string, object?> claims, SigningCredentials credentials) =>
        Handler.CreateToken(JsonSerializer.Serialize(claims), credentials);

    /// <summary>An unsecured JWT (RFC 7519 section 6: <c>alg</c> <c>none</c>, empty signature).</summary>
    public static string Unsigned(IReadOnlyDictionary<string, object?> claims) =>
        $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims))}.";

    /// <summary>A JWKS document (RFC 7517 section 5) with the public halves of <paramref name="keys"/>.</summary>
    public static string Jwks(params TestSigningKey[] keys) => JsonSerializer.Serialize(new { keys = keys.Select(static k => k.PublicJwk()).ToArray() });
}

/// <summary>An RS256 or ES256 key pair with a <c>kid</c>: signs tokens and publishes its public half as a JWK.</summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;
    private readonly SecurityKey _securityKey;

    private TestSigningKey(string keyId, string algorithm, AsymmetricAlgorithm key, SecurityKey securityKey)
    {
        KeyId = keyId;
        Algorithm = algorithm;
        _key = key;
        _securityKey = securityKey;
    }

    public string KeyId { get; }

    public string Algorithm { get; }

    public static TestSigningKey Rs256(string keyId)
    {
        var rsa = RSA.Create(2048);
        return new TestSigningKey(keyId, SecurityAlgorithms.RsaSha256, rsa, new RsaSecurityKey(rsa) { KeyId = keyId });
    }

    public static TestSigningKey Es256(string keyId)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TestSigningKey(keyId, SecurityAlgorithms.EcdsaSha256, ec, new ECDsaSecurityKey(ec) { KeyId = keyId });
    }

    /// <summary>
    /// Signs with this key, with its own algorithm unless <paramref name="algorithm"/> names another (RS512, say); the
    /// header names its <c>kid</c> unless <paramref name="withKeyId"/> is false.
    /// </summary>
    public string Sign(IReadOnlyDictionary<string, object?> claims, bool withKeyId = true, string? algorithm = null)
    {
        var key = _securityKey switch
        {
            RsaSecurityKey rsa when !withKeyId => new RsaSecurityKey(rsa.Rsa),
            ECDsaSecurityKey ec when !withKeyId => new ECDsaSecurityKey(ec.ECDsa),
            _ => _securityKey,
        };
        return TestJwts.Sign(claims, new SigningCredentials(key, algorithm ?? Algorithm));
    }

    /// <summary>The public JWK: <c>kty</c>, <c>kid</c>, <c>use</c> and the public parameters only.</summary>
    public Dictionary<string, string> PublicJwk()
    {
        if (_key is RSA rsa)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)));
            return new() { ["kty"] = "RSA", ["kid"] = KeyId, ["use"] = "sig", ["n"] = jwk.N, ["e"] = jwk.E };
        }

        using var publicHalf = ECDsa.Create(((ECDsa)_key).ExportParameters(false));
        var ec = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicHalf));
        return new() { ["kty"] = "EC", ["kid"] = KeyId, ["use"] = "sig", ["crv"] = ec.Crv, ["x"] = ec.X, ["y"] = ec.Y };
    }

    public void Dispose() => _key.Dispose();
}
