using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Authorizers;

/// <summary>Where a <c>jwt</c> authorizer finds the keys that may have signed a token.</summary>
internal interface IJwtKeys
{
    /// <summary>The keys for a token whose header names <paramref name="keyId"/> (empty when it names none); empty when no key fits.</summary>
    ValueTask<IReadOnlyList<SecurityKey>> FindAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>
/// Verification keys, found by <c>kid</c>. A token that names a <c>kid</c> is checked against that key only, as API
/// Gateway does. API Gateway refuses a token that names none; here it is tried against every key, which is as safe
/// (its signature must still verify with one of them) and lets hand-made tokens work with a one-key JWKS file.
/// The HS256 secret has no id, so it answers for any <c>kid</c>.
/// </summary>
internal sealed class JwtKeySet
{
    private readonly IReadOnlyList<SecurityKey> _keys;
    private readonly bool _byKeyId;

    private JwtKeySet(IReadOnlyList<SecurityKey> keys, bool byKeyId)
    {
        _keys = keys;
        _byKeyId = byKeyId;
    }

    public int Count => _keys.Count;

    /// <summary>Keys from a JWKS, each known by its <c>kid</c>.</summary>
    public static JwtKeySet FromJwks(IReadOnlyList<SecurityKey> keys) => new(keys, byKeyId: true);

    /// <summary>The one shared secret, whatever <c>kid</c> a token names.</summary>
    public static JwtKeySet FromSecret(SecurityKey key) => new([key], byKeyId: false);

    /// <summary>The keys for a token naming <paramref name="keyId"/>; empty is what makes a JWKS URL be fetched again.</summary>
    public IReadOnlyList<SecurityKey> Find(string keyId) =>
        !_byKeyId || keyId.Length == 0
            ? _keys
            : [.. _keys.Where(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal))];
}

/// <summary>Keys fixed at start: the HS256 secret from the environment, or a JWKS file.</summary>
internal sealed class FixedJwtKeys(JwtKeySet keys) : IJwtKeys
{
    public ValueTask<IReadOnlyList<SecurityKey>> FindAsync(string keyId, CancellationToken cancellationToken) => ValueTask.FromResult(keys.Find(keyId));
}
