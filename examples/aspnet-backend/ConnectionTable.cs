using System.Collections.Concurrent;

namespace AspnetBackend;

/// <summary>
/// Stands in for the seed's DynamoDB table <c>clientConnectionInfo</c> (partition key <c>connectionid</c>). Each row also
/// keeps the connection's stage: the management API is per stage, so a broadcast from <c>dev</c> can only reach
/// <c>dev</c> connections (posting a <c>test</c> connection at <c>/dev</c> answers 410).
/// </summary>
public sealed class ConnectionTable
{
    private readonly ConcurrentDictionary<string, string> _stageById = new(StringComparer.Ordinal);

    public void Add(string connectionId, string stage) => _stageById[connectionId] = stage;

    public bool Remove(string connectionId) => _stageById.TryRemove(connectionId, out _);

    public bool Contains(string connectionId) => _stageById.ContainsKey(connectionId);

    /// <summary>The seed's table scan, narrowed to one stage.</summary>
    public IReadOnlyList<string> InStage(string stage) =>
        [.. _stageById.Where(row => row.Value == stage).Select(row => row.Key)];
}
