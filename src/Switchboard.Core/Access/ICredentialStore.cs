namespace Switchboard.Access;

/// <summary>
/// The management API's credentials. Secrets must be kept (a SigV4 signature can only be checked with the secret
/// itself), so stores protect them at rest (docs/security.md). A credential created or revoked by another process on
/// the same store is honoured by the next request.
/// </summary>
public interface ICredentialStore
{
    ValueTask<AccessCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default);

    /// <summary>Adds a credential; false when its access key id or name is taken.</summary>
    ValueTask<bool> CreateAsync(AccessCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Every credential, oldest first, without secrets (<see cref="AccessCredential.SecretAccessKey"/> empty).</summary>
    ValueTask<IReadOnlyList<AccessCredential>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the credential with this access key id or name; false when there is none.</summary>
    ValueTask<bool> RevokeAsync(string accessKeyIdOrName, CancellationToken cancellationToken = default);
}
