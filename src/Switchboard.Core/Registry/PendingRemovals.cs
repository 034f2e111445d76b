using System.Collections.Concurrent;
using Switchboard.Groups;

namespace Switchboard.Registry;

/// <summary>
/// Closed (or refused) connections whose registry row or group memberships a failed or late write may have left behind;
/// <see cref="StoreRecovery"/> removes them once the store takes writes again, before handshakes are taken again.
/// Bounded by <c>limits.maxConnections</c>: an id is added only for a connection that held an admission place when a
/// write failed, a failure makes the store refusing (no handshake is admitted), and the set is emptied before it stops
/// refusing. A clean stop removes every row of its run anyway (<see cref="RunLiveness"/>).
/// </summary>
internal sealed class PendingRemovals(IConnectionRegistry registry, IGroupStore groups, TimeProvider time)
{
    // One group-commit batch's worth of registry removals awaited at once, so a long list costs a few commits.
    private const int Chunk = 512;

    private readonly ConcurrentDictionary<string, byte> _connectionIds = new(StringComparer.Ordinal);

    public int Count => _connectionIds.Count;

    public void Add(string connectionId) => _connectionIds.TryAdd(connectionId, 0);

    /// <summary>Removes the rows of every pending connection; true when none is left. Never throws but for cancellation.</summary>
    public async Task<bool> RetryAsync(CancellationToken cancellationToken)
    {
        var ids = _connectionIds.Keys.ToArray();
        for (var start = 0; start < ids.Length; start += Chunk)
        {
            var chunk = new ArraySegment<string>(ids, start, Math.Min(Chunk, ids.Length - start));
            try
            {
                foreach (var id in chunk)
                {
                    await groups.RemoveConnectionAsync(id, cancellationToken).AsTask().WaitAsync(RegistryWrites.Deadline, time, cancellationToken).ConfigureAwait(false);
                }

                var removals = new Task[chunk.Count];
                for (var i = 0; i < removals.Length; i++)
                {
                    removals[i] = registry.RemoveAsync(chunk[i], cancellationToken).AsTask();
                }

                await Task.WhenAll(removals).WaitAsync(RegistryWrites.Deadline, time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Still failing: the next probe tries again.
                return false;
            }

            foreach (var id in chunk)
            {
                _connectionIds.TryRemove(id, out _);
            }
        }

        return _connectionIds.IsEmpty;
    }
}
