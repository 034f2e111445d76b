namespace Switchboard.Connections;

/// <summary>
/// Who this process is in the registry: the node id (configured, or host name and port once the port is known) and a
/// random run id per process start, so a restarted node can tell the rows of its crashed run from its own.
/// </summary>
public sealed class NodeIdentity
{
    private string? _nodeId;

    public NodeIdentity(string? configuredNodeId) => _nodeId = string.IsNullOrWhiteSpace(configuredNodeId) ? null : configuredNodeId;

    public string RunId { get; } = ConnectionIds.New();

    public string NodeId => _nodeId ?? throw new InvalidOperationException("The node id is set once the server has bound its port.");

    internal void SetDefault(string nodeId) => _nodeId ??= nodeId;
}
