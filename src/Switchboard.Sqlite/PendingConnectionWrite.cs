using Switchboard.Registry;

namespace Switchboard.Sqlite;

/// <summary>
/// One caller's write waiting for the group commit. It is its own completion source (one allocation per write on
/// the handshake path); continuations run asynchronously so completing a batch never runs callers' code on the
/// writer loop.
/// </summary>
internal abstract class PendingConnectionWrite() : TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private int _result;

    /// <summary>Runs the write inside the batch's open transaction.</summary>
    public void Apply(ConnectionWriteCommands commands) => _result = Execute(commands);

    /// <summary>Called once the batch has committed.</summary>
    public void Complete() => TrySetResult(_result);

    protected abstract int Execute(ConnectionWriteCommands commands);
}

internal sealed class AddConnectionWrite(ConnectionRecord record) : PendingConnectionWrite
{
    protected override int Execute(ConnectionWriteCommands commands)
    {
        commands.Upsert(record);
        return 1;
    }
}

internal sealed class RemoveConnectionWrite(string connectionId) : PendingConnectionWrite
{
    protected override int Execute(ConnectionWriteCommands commands)
    {
        commands.Delete(connectionId);
        return 0;
    }
}

internal sealed class UpdateLastActiveWrite(IReadOnlyList<LastActiveUpdate> updates) : PendingConnectionWrite
{
    protected override int Execute(ConnectionWriteCommands commands)
    {
        for (var i = 0; i < updates.Count; i++)
        {
            commands.UpdateLastActive(updates[i]);
        }

        return updates.Count;
    }
}

internal sealed class HeartbeatWrite(string runId, string nodeId, DateTimeOffset at) : PendingConnectionWrite
{
    protected override int Execute(ConnectionWriteCommands commands)
    {
        commands.Heartbeat(runId, nodeId, at);
        return 1;
    }
}

internal sealed class RemoveRunWrite(string runId) : PendingConnectionWrite
{
    protected override int Execute(ConnectionWriteCommands commands) => commands.RemoveRun(runId);
}
