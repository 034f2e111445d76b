using Switchboard.Connections;

namespace Switchboard.Operations;

/// <summary>
/// The built-in metrics, in the order /metrics writes them. The Prometheus names and help texts are a contract
/// (README, Operations; dashboards scrape them): add new ones, never rename. README's metrics table maps each
/// Prometheus name to its instrument name.
/// </summary>
public sealed partial class GatewayMetrics
{
    private const string ConnectionUnit = "{connection}";
    private const string MessageUnit = "{message}";
    private const string RequestUnit = "{request}";

    private IEnumerable<MetricDefinition> BuiltInMetrics(MessageAssemblyBudget? assemblyBudget)
    {
        yield return Define("switchboard_connections", "switchboard.connections", MetricKind.UpDownCounter, ConnectionUnit,
            "Open WebSocket connections on this node.", () => Volatile.Read(ref _connections));
        yield return Define("switchboard_connects_total", "switchboard.connects", MetricKind.Counter, ConnectionUnit,
            "WebSocket connections accepted.", () => Volatile.Read(ref _connects));
        yield return Define("switchboard_disconnects_total", "switchboard.disconnects", MetricKind.Counter, ConnectionUnit,
            "WebSocket connections ended.", () => Volatile.Read(ref _disconnects));
        yield return Define("switchboard_messages_received_total", "switchboard.messages.received", MetricKind.Counter, MessageUnit,
            "Messages received from clients.", () => Volatile.Read(ref _messagesReceived));
        yield return Define("switchboard_messages_sent_total", "switchboard.messages.sent", MetricKind.Counter, MessageUnit,
            "Messages written to clients.", () => Volatile.Read(ref _messagesSent));
        yield return Define("switchboard_messages_dropped_total", "switchboard.messages.dropped", MetricKind.Counter, MessageUnit,
            "Messages not delivered because the recipient's queue was full or it closed first.", () => Volatile.Read(ref _messagesDropped));
        yield return Define("switchboard_slow_consumer_closes_total", "switchboard.slow_consumer.closes", MetricKind.Counter, ConnectionUnit,
            "Connections closed with 1008 because their outbound queue was full.", () => Volatile.Read(ref _slowConsumerCloses));
        yield return Define("switchboard_broadcasts_total", "switchboard.broadcasts", MetricKind.Counter, "{broadcast}",
            "Broadcasts fanned out.", () => Volatile.Read(ref _broadcasts));
        yield return Define("switchboard_rest_requests_total", "switchboard.rest.requests", MetricKind.Counter, RequestUnit,
            "REST API requests answered.", () => Volatile.Read(ref _restRequests));
        yield return Define("switchboard_rest_throttled_total", "switchboard.rest.throttled", MetricKind.Counter, RequestUnit,
            "REST API requests answered 429 Too Many Requests by a stage or usage plan throttle.", () => Volatile.Read(ref _restThrottled));
        yield return Define("switchboard_rest_quota_exceeded_total", "switchboard.rest.quota_exceeded", MetricKind.Counter, RequestUnit,
            "REST API requests answered 429 Limit Exceeded by a usage plan quota.", () => Volatile.Read(ref _restQuotaExceeded));
        if (assemblyBudget is not null)
        {
            // "usage": OpenTelemetry's word for the part of a limited resource in use; the unit carries "bytes".
            yield return Define("switchboard_message_assembly_bytes", "switchboard.message_assembly.usage", MetricKind.UpDownCounter, "By",
                "Bytes held for messages still arriving or being routed (limits.messageAssemblyBudgetBytes caps it).", () => assemblyBudget.HeldBytes);
        }

        yield return Define("switchboard_management_requests_total", "switchboard.management.requests", MetricKind.Counter, RequestUnit,
            "@connections management API requests answered.", () => Volatile.Read(ref _managementRequests));
    }

    private static MetricDefinition Define(string prometheusName, string instrumentName, MetricKind kind, string unit, string help, Func<long> value) =>
        new()
        {
            PrometheusName = prometheusName,
            InstrumentName = instrumentName,
            Kind = kind,
            Unit = unit,
            Help = help,
            Value = value,
        };
}
