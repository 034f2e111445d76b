using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Switchboard.Access;

namespace Switchboard.Redis;

/// <summary>
/// Management API credentials in Redis, each secret sealed by <see cref="CredentialCipher"/> as the SQLite store seals
/// it. Every node reads the store on every lookup, so a credential created or revoked anywhere counts at the next
/// request, and every node (and the CLI) must seal with the same key: the key's fingerprint is kept beside the
/// credentials (<c>credentials-key</c>) and a credential sealed with another key is refused at creation.
/// </summary>
public sealed partial class RedisCredentialStore : ICredentialStore
{
    private static readonly RedisValue[] Fields = ["name", "secret", "policy", "createdAt"];

    private readonly RedisStoreConnection _redis;
    private readonly IDatabase _database;
    private readonly CredentialCipher _cipher;
    private readonly ILogger _logger;
    private readonly RedisKey _ids;
    private readonly RedisKey _names;
    private readonly RedisKey _fingerprint;
    private int _unreadableLogged;

    /// <param name="redis">The process's Redis connection; the store does not dispose it.</param>
    /// <param name="cipher">Seals and opens secrets; every process on this Redis must use the same key.</param>
    /// <param name="logger">Hears (once) of a credential whose secret this key cannot open.</param>
    public RedisCredentialStore(RedisStoreConnection redis, CredentialCipher cipher, ILogger<RedisCredentialStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(cipher);
        _redis = redis;
        _database = redis.Database;
        _cipher = cipher;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _ids = redis.Key("credentials");
        _names = redis.Key("credential-names");
        _fingerprint = redis.Key("credentials-key");
    }

    public async ValueTask<AccessCredential?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _database.HashGetAsync(CredentialKey(accessKeyId), Fields).ConfigureAwait(false);
        if (values[0].IsNull || values[1].IsNull || values[2].IsNull || values[3].IsNull)
        {
            return null;
        }

        string secret;
        try
        {
            secret = _cipher.Decrypt(accessKeyId, (byte[])values[1]!);
        }
        catch (InvalidOperationException ex)
        {
            // Sealed under another key: it cannot sign anything here, so it is as good as unknown (403, not a 500).
            if (Interlocked.Exchange(ref _unreadableLogged, 1) == 0)
            {
                LogUnreadable(_logger, ex.Message);
            }

            return null;
        }

        return new AccessCredential(accessKeyId, secret, values[0].ToString(), AccessPolicy.Parse(values[2].ToString()), DateTimeOffset.FromUnixTimeMilliseconds((long)values[3]));
    }

    public async ValueTask<bool> CreateAsync(AccessCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = (int)await _database.ScriptEvaluateAsync(
            CredentialScripts.Create,
            [CredentialKey(credential.AccessKeyId), _ids, _names, _fingerprint],
            [
                credential.AccessKeyId,
                credential.Name,
                _cipher.Encrypt(credential.AccessKeyId, credential.SecretAccessKey),
                credential.Policy.Json,
                credential.CreatedAt.ToUnixTimeMilliseconds(),
                _cipher.KeyFingerprint(),
            ]).ConfigureAwait(false);
        return outcome >= 0
            ? outcome == 1
            : throw new InvalidOperationException(
                $"The credentials in Redis were sealed with another credentials key; every node and every CLI on this Redis must use the same {CredentialCipher.KeyVariable} (or the same {CredentialCipher.KeyFileName} in its --data-dir)");
    }

    public async ValueTask<IReadOnlyList<AccessCredential>> ListAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var flat = (RedisResult[])(await _database.ScriptEvaluateAsync(CredentialScripts.List, [_ids], [_redis.KeyPrefix]).ConfigureAwait(false))!;
        var all = new List<AccessCredential>(flat.Length / 4);
        for (var i = 0; i + 3 < flat.Length; i += 4)
        {
            if (!flat[i + 1].IsNull && !flat[i + 2].IsNull && !flat[i + 3].IsNull)
            {
                all.Add(new AccessCredential(
                    (string)flat[i]!, "", (string)flat[i + 1]!, AccessPolicy.Parse((string)flat[i + 2]!), DateTimeOffset.FromUnixTimeMilliseconds((long)flat[i + 3])));
            }
        }

        // Oldest first, then by name, as the SQL store orders them.
        all.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Name, b.Name));
        return all;
    }

    public async ValueTask<bool> RevokeAsync(string accessKeyIdOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyIdOrName);
        cancellationToken.ThrowIfCancellationRequested();
        return (int)await _database.ScriptEvaluateAsync(CredentialScripts.Revoke, [_ids, _names], [_redis.KeyPrefix, accessKeyIdOrName]).ConfigureAwait(false) == 1;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning,
        Message = "{Problem}; such credentials are refused. Use the key they were created with on every node, or revoke and create them again")]
    private static partial void LogUnreadable(ILogger logger, string problem);

    private RedisKey CredentialKey(string accessKeyId) => _redis.Key("credential:" + accessKeyId);
}
