namespace Switchboard.Access;

/// <summary>
/// Where the management API finds a signer's secret: the credential from <c>SWITCHBOARD_ACCESS_KEY_ID</c> and
/// <c>SWITCHBOARD_SECRET_ACCESS_KEY</c> (full access), else the store, read on every request so that a credential
/// created or revoked with the CLI counts at once.
/// </summary>
internal sealed class CredentialLookup(AccessCredential? fromEnvironment, ICredentialStore store)
{
    public const string AccessKeyVariable = "SWITCHBOARD_ACCESS_KEY_ID";
    public const string SecretVariable = "SWITCHBOARD_SECRET_ACCESS_KEY";

    public AccessCredential? FromEnvironment => fromEnvironment;

    public ICredentialStore Store => store;

    /// <summary>The environment's credential, or null when the variables are not both set.</summary>
    public static AccessCredential? ReadEnvironment(Func<string, string?> environment, DateTimeOffset now)
    {
        var accessKey = environment(AccessKeyVariable);
        var secret = environment(SecretVariable);
        return string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secret)
            ? null
            : new AccessCredential(accessKey, secret, "environment", AccessPolicy.FullAccess, now);
    }

    public ValueTask<AccessCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken) =>
        fromEnvironment is not null && string.Equals(fromEnvironment.AccessKeyId, accessKeyId, StringComparison.Ordinal)
            ? ValueTask.FromResult<AccessCredential?>(fromEnvironment)
            : store.FindAsync(accessKeyId, cancellationToken);
}
