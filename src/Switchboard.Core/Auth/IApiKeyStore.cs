namespace Switchboard.Auth;

/// <summary>
/// API keys for REST methods with <c>apiKeyRequired</c>. Values are kept only as salted hashes
/// (<see cref="ApiKeyHash"/>). Changes made by another process on the same store (the <c>keys</c> CLI) are seen at once.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key. Throws <see cref="ApiKeyConflictException"/> when the name or value is taken.</summary>
    ValueTask<ApiKeyRecord> CreateAsync(string name, string value, string? plan, CancellationToken cancellationToken = default);

    /// <summary>All keys, by name.</summary>
    ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the key; false when no key has that name.</summary>
    ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The key whose value this is, or null.</summary>
    ValueTask<ApiKeyRecord?> FindByValueAsync(string value, CancellationToken cancellationToken = default);
}
