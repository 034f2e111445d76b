using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Switchboard.Auth;

/// <summary>
/// API keys held in memory for one process, hashed like every other store (<see cref="ApiKeyHash"/>) with a salt
/// made per instance, so a heap dump shows no key value. Lookups are lock-free; create and revoke take a lock so the
/// name and value indexes change together.
/// </summary>
public sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly byte[] _salt = ApiKeyHash.NewSalt();
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, StoredKey> _byName = new(StringComparer.Ordinal);

    // Keyed by the hash's Base64 text: byte arrays compare by reference.
    private readonly ConcurrentDictionary<string, StoredKey> _byHash = new(StringComparer.Ordinal);

    public InMemoryApiKeyStore(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public ValueTask<ApiKeyRecord> CreateAsync(string name, string value, string? plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);

        // Millisecond precision, as the SQL stores keep it.
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(_timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var hash = ApiKeyHash.Compute(_salt, value);
        var key = new StoredKey(hash, new ApiKeyRecord(name, plan, createdAt));
        var hashText = Convert.ToBase64String(hash);
        lock (_gate)
        {
            if (_byName.ContainsKey(name))
            {
                throw new ApiKeyConflictException($"An API key named '{name}' already exists; choose another name or revoke that key first.");
            }

            if (_byHash.ContainsKey(hashText))
            {
                throw new ApiKeyConflictException($"Cannot create API key '{name}': another key already has that value; use a different value.");
            }

            _byHash[hashText] = key;
            _byName[name] = key;
        }

        return ValueTask.FromResult(key.Record);
    }

    public ValueTask<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var records = _byName.Values.Select(static key => key.Record).ToList();
        records.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return ValueTask.FromResult<IReadOnlyList<ApiKeyRecord>>(records);
    }

    public ValueTask<bool> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            if (!_byName.TryGetValue(name, out var key))
            {
                return ValueTask.FromResult(false);
            }

            // Hash index first: once revoke returns, no lookup finds the key.
            _byHash.TryRemove(Convert.ToBase64String(key.Hash), out _);
            _byName.TryRemove(name, out _);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<ApiKeyRecord?> FindByValueAsync(string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = ApiKeyHash.Compute(_salt, value);
        var found = _byHash.TryGetValue(Convert.ToBase64String(hash), out var key)
            && CryptographicOperations.FixedTimeEquals(key.Hash, hash);
        return ValueTask.FromResult(found ? key!.Record : null);
    }

    private sealed record StoredKey(byte[] Hash, ApiKeyRecord Record);
}
