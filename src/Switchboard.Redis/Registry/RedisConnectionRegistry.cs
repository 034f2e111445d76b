using StackExchange.Redis;
using Switchboard.Registry;

namespace Switchboard.Redis;

/// <summary>
/// The connection registry in Redis, shared by every node on it. A row is a hash (<c>conn:ID</c>); a sorted set by
/// connectedAt (<c>conns</c>) lists rows oldest first; a set per run (<c>run-conns:RUN</c>) finds a run's rows for
/// <see cref="RemoveRunAsync"/>. Runs and heartbeats are in <c>RedisConnectionRegistry.Runs.cs</c>. Writes that touch
/// more than one key are Lua scripts (<see cref="RegistryScripts"/>), so they are atomic; a completed task means Redis
/// has applied the write (its durability is Redis's persistence setting).
/// </summary>
public sealed partial class RedisConnectionRegistry : IConnectionRegistry
{
    /// <summary>How long <see cref="PingAsync"/> waits for Redis before it says not ready.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    // One script or one pipelined read per this many rows: large enough to keep round trips few, small enough that no
    // single script holds Redis (which runs one command at a time) for long.
    private const int UpdateBatch = 500;
    private const int ReadBatch = 1000;

    private readonly RedisStoreConnection _redis;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;
    private readonly RedisKey _connections;
    private readonly RedisKey _runsWithRows;
    private readonly RedisKey _runs;
    private readonly RedisKey _ping;

    /// <param name="redis">The process's Redis connection; the registry does not dispose it.</param>
    /// <param name="time">This process's clock, against which heartbeats are read (<see cref="ListRunsAsync"/>).</param>
    public RedisConnectionRegistry(RedisStoreConnection redis, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _database = redis.Database;
        _time = time ?? TimeProvider.System;
        _connections = redis.Key("conns");
        _runsWithRows = redis.Key("row-runs");
        _runs = redis.Key("runs");
        _ping = redis.Key("ping");
    }

    public async ValueTask AddAsync(ConnectionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.ConnectionId, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Api, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Stage, nameof(record));
        ArgumentNullException.ThrowIfNull(record.SourceIp, nameof(record));
        ArgumentNullException.ThrowIfNull(record.NodeId, nameof(record));
        ArgumentNullException.ThrowIfNull(record.RunId, nameof(record));
        cancellationToken.ThrowIfCancellationRequested();
        var connectedAt = record.ConnectedAt.ToUnixTimeMilliseconds();
        var values = new List<RedisValue>(24)
        {
            _redis.KeyPrefix, record.ConnectionId, record.RunId, connectedAt,
            "api", record.Api,
            "stage", record.Stage,
            "connectedAt", connectedAt,
            "lastActiveAt", record.LastActiveAt.ToUnixTimeMilliseconds(),
            "sourceIp", record.SourceIp,
            "nodeId", record.NodeId,
            "runId", record.RunId,
        };
        if (record.UserAgent is not null)
        {
            values.Add("userAgent");
            values.Add(record.UserAgent);
        }

        if (record.PrincipalId is not null)
        {
            values.Add("principalId");
            values.Add(record.PrincipalId);
        }

        RedisKey[] keys = [ConnectionKey(record.ConnectionId), _connections, RunRowsKey(record.RunId), _runsWithRows];
        await _database.ScriptEvaluateAsync(RegistryScripts.Add, keys, [.. values]).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        await _database.ScriptEvaluateAsync(
            RegistryScripts.Remove, [ConnectionKey(connectionId), _connections, _runsWithRows], [_redis.KeyPrefix, connectionId]).ConfigureAwait(false);
    }

    public async ValueTask<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        return ConnectionFields.Read(connectionId, await _database.HashGetAllAsync(ConnectionKey(connectionId)).ConfigureAwait(false));
    }

    public async ValueTask<IReadOnlyList<ConnectionRecord>> ListAsync(ConnectionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        // The index gives the order (connectedAt, then id: Redis orders equal scores by member bytes, as SQL's
        // "ORDER BY connected_at, id" does); the filters are applied to the rows read. The whole index is read at once
        // so rows added meanwhile cannot shift a page boundary and show a row twice.
        var ids = await _database.SortedSetRangeByRankAsync(_connections).ConfigureAwait(false);
        var matches = new List<ConnectionRecord>();
        var reads = new Task<HashEntry[]>[Math.Min(ids.Length, ReadBatch)];
        for (var start = 0; start < ids.Length; start += ReadBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(ReadBatch, ids.Length - start);
            for (var i = 0; i < count; i++)
            {
                reads[i] = _database.HashGetAllAsync(ConnectionKey(ids[start + i].ToString()));
            }

            await Task.WhenAll(reads.AsSpan(0, count)).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                // A row removed between the index read and its own read is simply not listed.
                if (ConnectionFields.Read(ids[start + i].ToString(), await reads[i].ConfigureAwait(false)) is { } record && Matches(query, record))
                {
                    matches.Add(record);
                }
            }
        }

        return matches;
    }

    public async ValueTask UpdateLastActiveAsync(IReadOnlyList<LastActiveUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        for (var start = 0; start < updates.Count; start += UpdateBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(UpdateBatch, updates.Count - start);
            var keys = new RedisKey[count];
            var times = new RedisValue[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = ConnectionKey(updates[start + i].ConnectionId);
                times[i] = updates[start + i].LastActiveAt.ToUnixTimeMilliseconds();
            }

            await _database.ScriptEvaluateAsync(RegistryScripts.UpdateLastActive, keys, times).ConfigureAwait(false);
        }
    }

    public async ValueTask<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        if (!_redis.Multiplexer.IsConnected || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            // A write, not PING: ready means writes work (a replica, or a server out of memory, answers PING but
            // refuses writes). The wait is real time, not the registry's clock: it is Redis's answer that is late.
            await _database.StringSetAsync(_ping, 1, TimeSpan.FromSeconds(10)).WaitAsync(PingTimeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            // A readiness probe gets false, never an exception.
            return false;
        }
    }

    private static bool Matches(ConnectionQuery query, ConnectionRecord record) =>
        (query.Api is null || query.Api == record.Api)
        && (query.Stage is null || query.Stage == record.Stage)
        && (query.NodeId is null || query.NodeId == record.NodeId);

    private RedisKey ConnectionKey(string connectionId) => _redis.Key("conn:" + connectionId);

    private RedisKey RunRowsKey(string runId) => _redis.Key("run-conns:" + runId);
}
