namespace AspnetBackend;

/// <summary>
/// What the management API calls are signed with: the standard AWS environment variables, as the AWS SDKs read them.
/// Without them the pair <c>local</c>/<c>local</c> is used, which a gateway accepts only when started with it as
/// <c>SWITCHBOARD_ACCESS_KEY_ID</c>/<c>SWITCHBOARD_SECRET_ACCESS_KEY</c> (for local development; see the README).
/// </summary>
public sealed record ManagementCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, string Region)
{
    public static ManagementCredentials FromEnvironment(Func<string, string?> environment) => new(
        NonEmpty(environment("AWS_ACCESS_KEY_ID")) ?? "local",
        NonEmpty(environment("AWS_SECRET_ACCESS_KEY")) ?? "local",
        NonEmpty(environment("AWS_SESSION_TOKEN")),
        NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION")) ?? "us-east-1");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
