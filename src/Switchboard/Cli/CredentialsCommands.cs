using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Switchboard.Access;
using Switchboard.Stores;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard credentials create|list|revoke</c>: the access keys that sign management API calls (SigV4, as the
/// AWS CLI and SDKs sign them). Acts on the same store as a running server, which honours the change at the next
/// request. The secret is printed once, at creation; the store keeps it encrypted (docs/security.md).
/// </summary>
internal static class CredentialsCommands
{
    private const string AccessKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var credentials = new Command("credentials", "Manage the access keys that sign management API (@connections, @groups) calls");
        credentials.Subcommands.Add(CreateCommand(output, error));
        credentials.Subcommands.Add(ListCommand(output, error));
        credentials.Subcommands.Add(RevokeCommand(output, error));
        return credentials;
    }

    private static Command CreateCommand(TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "Unique name of the credential (it names the principal in denials)", Required = true };
        var allow = new Option<string[]>("--allow")
        {
            Description = "Allow execute-api:ManageConnections on STAGE/METHOD/PATH (wildcards * and ?), e.g. 'dev/POST/@connections/*'; repeatable. Default: everything",
            AllowMultipleArgumentsPerToken = false,
        };
        var policy = new Option<string?>("--policy") { Description = "An IAM policy document instead of --allow: a file path, or the JSON itself" };
        var store = new StoreOptions();
        var command = new Command("create", "Create an access key; prints AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... on standard output") { name, allow, policy };
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            var credentialName = parsed.GetValue(name)!;
            if (credentialName.Length is 0 or > 64 || !credentialName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            {
                return SwitchboardCli.Misuse(error, "--name must be 1 to 64 characters of letters, digits, '-', '_', '.' and '@'");
            }

            var allowed = parsed.GetValue(allow) ?? [];
            var document = parsed.GetValue(policy);
            if (allowed.Length > 0 && document is not null)
            {
                return SwitchboardCli.Misuse(error, "give --allow or --policy, not both");
            }

            AccessPolicy accessPolicy;
            try
            {
                accessPolicy = document is not null
                    ? AccessPolicy.Parse(File.Exists(document) ? await File.ReadAllTextAsync(document, cancellationToken).ConfigureAwait(false) : document)
                    : allowed.Length > 0 ? AccessPolicy.AllowManageConnections(allowed) : AccessPolicy.FullAccess;
            }
            catch (FormatException ex)
            {
                return SwitchboardCli.Misuse(error, $"--policy: {ex.Message}");
            }

            var credential = new AccessCredential(NewAccessKeyId(), NewSecret(), credentialName, accessPolicy, DateTimeOffset.UtcNow);
            await using var stores = new StoreFactory();
            bool created;
            try
            {
                created = await stores.OpenCredentials(choice).CreateAsync(credential, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                // A shared store's credentials sealed with a key other than this process's (RedisCredentialStore).
                return SwitchboardCli.Failure(error, ex.Message);
            }

            if (!created)
            {
                return SwitchboardCli.Failure(error, $"a credential named '{credentialName}' already exists");
            }

            await output.WriteLineAsync($"AWS_ACCESS_KEY_ID={credential.AccessKeyId}").ConfigureAwait(false);
            await output.WriteLineAsync($"AWS_SECRET_ACCESS_KEY={credential.SecretAccessKey}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command ListCommand(TextWriter output, TextWriter error)
    {
        var store = new StoreOptions();
        var command = new Command("list", "List credentials: names, access key ids, creation times and policies (never the secrets)");
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            await using var stores = new StoreFactory();
            var all = await stores.OpenCredentials(choice).ListAsync(cancellationToken).ConfigureAwait(false);
            var rows = all.Select(c => new[]
            {
                c.Name,
                c.AccessKeyId,
                c.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                c.Policy.Json == AccessPolicy.FullAccess.Json ? "full access" : c.Policy.Json,
            });
            await output.WriteAsync(TextTable.Render(["NAME", "ACCESS KEY ID", "CREATED", "POLICY"], rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command RevokeCommand(TextWriter output, TextWriter error)
    {
        var which = new Argument<string>("NAME_OR_ACCESS_KEY_ID") { Description = "Name or access key id of the credential to revoke" };
        var store = new StoreOptions();
        var command = new Command("revoke", "Revoke a credential: its signatures fail at once, also on a running server") { which };
        store.SetPersistentAction(command, error, async (parsed, choice, cancellationToken) =>
        {
            var value = parsed.GetValue(which)!;
            await using var stores = new StoreFactory();
            if (!await stores.OpenCredentials(choice).RevokeAsync(value, cancellationToken).ConfigureAwait(false))
            {
                return SwitchboardCli.Failure(error, $"no credential named or with access key id '{value}'");
            }

            await output.WriteLineAsync($"Revoked {value}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>20 characters like AWS's (<c>AKIA...</c>), <c>SBAK</c> and 16 random base32 characters (80 bits).</summary>
    private static string NewAccessKeyId() =>
        "SBAK" + string.Concat(RandomNumberGenerator.GetBytes(16).Select(static b => AccessKeyAlphabet[b % 32]));

    /// <summary>40 characters like AWS's, 240 random bits.</summary>
    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', 'A').Replace('/', 'B');
}
