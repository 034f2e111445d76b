using StackExchange.Redis;
using Switchboard.Registry;

namespace Switchboard.Redis;

/// <summary>
/// A registry row as the fields of its hash (<c>conn:ID</c>): times as Unix milliseconds, and a field left out for a
/// null user agent or principal. The names are written by <see cref="RedisConnectionRegistry.AddAsync"/> and read
/// here; <see cref="RegistryScripts"/> reads <c>runId</c> and <c>lastActiveAt</c>.
/// </summary>
internal static class ConnectionFields
{
    /// <summary>The row, or null when the hash is gone (or lacks a field every row has).</summary>
    public static ConnectionRecord? Read(string connectionId, HashEntry[] fields)
    {
        string? api = null, stage = null, sourceIp = null, userAgent = null, nodeId = null, runId = null, principalId = null;
        long? connectedAt = null, lastActiveAt = null;
        foreach (var field in fields)
        {
            switch (field.Name.ToString())
            {
                case "api": api = field.Value.ToString(); break;
                case "stage": stage = field.Value.ToString(); break;
                case "connectedAt": connectedAt = (long)field.Value; break;
                case "lastActiveAt": lastActiveAt = (long)field.Value; break;
                case "sourceIp": sourceIp = field.Value.ToString(); break;
                case "userAgent": userAgent = field.Value.ToString(); break;
                case "nodeId": nodeId = field.Value.ToString(); break;
                case "runId": runId = field.Value.ToString(); break;
                case "principalId": principalId = field.Value.ToString(); break;
                default: break;
            }
        }

        if (api is null || stage is null || connectedAt is null || lastActiveAt is null || sourceIp is null || nodeId is null || runId is null)
        {
            return null;
        }

        return new ConnectionRecord(
            connectionId,
            api,
            stage,
            DateTimeOffset.FromUnixTimeMilliseconds(connectedAt.Value),
            DateTimeOffset.FromUnixTimeMilliseconds(lastActiveAt.Value),
            sourceIp,
            userAgent,
            nodeId,
            runId,
            principalId);
    }
}
