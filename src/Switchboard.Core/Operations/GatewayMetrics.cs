using System.Globalization;
using System.Text;

namespace Switchboard.Operations;

/// <summary>
/// The gateway's counters, kept as plain fields updated with Interlocked: a broadcast adds its recipient count once,
/// never once per recipient. Rendered as Prometheus text by <see cref="WritePrometheus"/>; names are the README's Operations section's.
/// </summary>
public sealed class GatewayMetrics(Connections.MessageAssemblyBudget? assemblyBudget = null)
{
    private long _connections;
    private long _messagesReceived;
    private long _messagesSent;
    private long _messagesDropped;
    private long _connects;
    private long _disconnects;
    private long _slowConsumerCloses;
    private long _broadcasts;
    private long _restRequests;
    private long _restThrottled;
    private long _restQuotaExceeded;
    private long _managementRequests;

    public long Connections => Volatile.Read(ref _connections);

    public long ConnectsTotal => Volatile.Read(ref _connects);

    public void Connected()
    {
        Interlocked.Increment(ref _connects);
        Interlocked.Increment(ref _connections);
    }

    public void Disconnected()
    {
        Interlocked.Increment(ref _disconnects);
        Interlocked.Decrement(ref _connections);
    }

    public void MessageReceived() => Interlocked.Increment(ref _messagesReceived);

    public void MessagesSent(int count) => Interlocked.Add(ref _messagesSent, count);

    public void MessagesDropped(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _messagesDropped, count);
        }
    }

    public void SlowConsumerClosed() => Interlocked.Increment(ref _slowConsumerCloses);

    public void Broadcast() => Interlocked.Increment(ref _broadcasts);

    public void RestRequest() => Interlocked.Increment(ref _restRequests);

    public void RestThrottled() => Interlocked.Increment(ref _restThrottled);

    public void RestQuotaExceeded() => Interlocked.Increment(ref _restQuotaExceeded);

    public void ManagementRequest() => Interlocked.Increment(ref _managementRequests);

    public void WritePrometheus(StringBuilder text)
    {
        Write(text, "switchboard_connections", "gauge", "Open WebSocket connections on this node.", _connections);
        Write(text, "switchboard_connects_total", "counter", "WebSocket connections accepted.", _connects);
        Write(text, "switchboard_disconnects_total", "counter", "WebSocket connections ended.", _disconnects);
        Write(text, "switchboard_messages_received_total", "counter", "Messages received from clients.", _messagesReceived);
        Write(text, "switchboard_messages_sent_total", "counter", "Messages written to clients.", _messagesSent);
        Write(text, "switchboard_messages_dropped_total", "counter", "Messages not delivered because the recipient's queue was full or it closed first.", _messagesDropped);
        Write(text, "switchboard_slow_consumer_closes_total", "counter", "Connections closed with 1008 because their outbound queue was full.", _slowConsumerCloses);
        Write(text, "switchboard_broadcasts_total", "counter", "Broadcasts fanned out.", _broadcasts);
        Write(text, "switchboard_rest_requests_total", "counter", "REST API requests answered.", _restRequests);
        Write(text, "switchboard_rest_throttled_total", "counter", "REST API requests answered 429 Too Many Requests by a stage or usage plan throttle.", _restThrottled);
        Write(text, "switchboard_rest_quota_exceeded_total", "counter", "REST API requests answered 429 Limit Exceeded by a usage plan quota.", _restQuotaExceeded);
        if (assemblyBudget is not null)
        {
            Write(text, "switchboard_message_assembly_bytes", "gauge", "Bytes held for messages still arriving or being routed (limits.messageAssemblyBudgetBytes caps it).", assemblyBudget.HeldBytes);
        }

        Write(text, "switchboard_management_requests_total", "counter", "@connections management API requests answered.", _managementRequests);
    }

    private static void Write(StringBuilder text, string name, string type, string help, long value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        text.Append(name).Append(' ').Append(Volatile.Read(ref value).ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
