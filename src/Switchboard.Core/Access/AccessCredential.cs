namespace Switchboard.Access;

/// <summary>
/// A credential the management API accepts: an access key id, the secret it is signed with, and the IAM-shaped
/// policy that says what it may do. <see cref="Principal"/> names it in denials, as an IAM user ARN would.
/// </summary>
public sealed record AccessCredential(string AccessKeyId, string SecretAccessKey, string Name, AccessPolicy Policy, DateTimeOffset CreatedAt)
{
    public string Principal => $"arn:aws:iam::{AccessPolicy.AccountId}:user/{Name}";

    /// <summary>No secret in logs or debugger views.</summary>
    public override string ToString() => $"AccessCredential {{ AccessKeyId = {AccessKeyId}, Name = {Name} }}";
}
