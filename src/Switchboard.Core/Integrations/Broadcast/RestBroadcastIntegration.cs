using System.Text;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Operations;

namespace Switchboard.Integrations.Broadcast;

/// <summary>
/// <c>broadcast</c> on a REST method: the seed's broadcastAPIMessage Lambda behind its mapping template. Maps the
/// request parameters, checks the message (for <c>positiveNumber</c>, JavaScript's <c>Number(x) &gt; 0</c>), and sends
/// its text to every connection of the WebSocket stage.
/// </summary>
internal sealed class RestBroadcastIntegration(
    IMessageDelivery delivery,
    IReadOnlyDictionary<string, RequestParameterSource> parameters,
    string messageParameter,
    string messageDisplayName,
    bool positiveNumber,
    string webSocketApi,
    IReadOnlySet<string> webSocketStages,
    string? stageParameter) : IRestIntegration
{
    public async ValueTask<RestResult> InvokeAsync(RestInvocation invocation, CancellationToken cancellationToken)
    {
        var message = parameters[messageParameter].Evaluate(invocation.Parameters);
        if (positiveNumber)
        {
            if (!JsNumber.TryFormatPositive(message, out var formatted))
            {
                return new RestResult(400, JsonMessages.Message($"{messageDisplayName} must be a positive number"));
            }

            message = formatted;
        }

        var stage = stageParameter is null ? "" : parameters[stageParameter].Evaluate(invocation.Parameters);
        if (stage.Length == 0)
        {
            stage = invocation.Stage;
        }

        if (!webSocketStages.Contains(stage))
        {
            return new RestResult(400, JsonMessages.Message($"unknown stage '{stage}'"));
        }

        var frame = WebSocketFrames.Text(Encoding.UTF8.GetBytes(message));
        var sent = await delivery.SendToAllAsync(webSocketApi, stage, frame, exceptConnectionId: null, FanOutMode.Count, cancellationToken).ConfigureAwait(false);
        return sent.Complete
            ? new RestResult(200, $"{{\"statusCode\":200,\"sent\":{sent.Sent}}}")
            : new RestResult(503, JsonMessages.Message(
                $"Service unavailable: the broadcast reached {sent.Sent} connections, but some node of the cluster could not be reached through Redis in time, so its connections may have missed it; retry shortly"));
    }
}
