using System.Collections.Concurrent;

namespace Switchboard.Access;

/// <summary>Credentials of one process (<c>--store memory</c> and tests).</summary>
public sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly ConcurrentDictionary<string, AccessCredential> _byAccessKey = new(StringComparer.Ordinal);
    private readonly Lock _writes = new();

    public ValueTask<AccessCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_byAccessKey.GetValueOrDefault(accessKeyId));

    public ValueTask<bool> CreateAsync(AccessCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        lock (_writes)
        {
            if (_byAccessKey.Values.Any(c => string.Equals(c.Name, credential.Name, StringComparison.Ordinal)))
            {
                return ValueTask.FromResult(false);
            }

            return ValueTask.FromResult(_byAccessKey.TryAdd(credential.AccessKeyId, credential));
        }
    }

    public ValueTask<IReadOnlyList<AccessCredential>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<AccessCredential>>(
            [.. _byAccessKey.Values.OrderBy(static c => c.CreatedAt).ThenBy(static c => c.Name, StringComparer.Ordinal).Select(static c => c with { SecretAccessKey = "" })]);

    public ValueTask<bool> RevokeAsync(string accessKeyIdOrName, CancellationToken cancellationToken = default)
    {
        lock (_writes)
        {
            var match = _byAccessKey.Values.FirstOrDefault(c =>
                string.Equals(c.AccessKeyId, accessKeyIdOrName, StringComparison.Ordinal) || string.Equals(c.Name, accessKeyIdOrName, StringComparison.Ordinal));
            return ValueTask.FromResult(match is not null && _byAccessKey.TryRemove(match.AccessKeyId, out _));
        }
    }
}
