using System.Text;
using Switchboard.Templates;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// <c>lambda</c> or <c>http</c> on a WebSocket route: sends API Gateway's proxy event (or the rendered mapping
/// template) to the user's code and reads its proxy result. Runs from the connection's inbound queue, never on the
/// receive loop.
/// </summary>
internal sealed class BackendRouteIntegration(BackendInvoker invoker, string apiId, MappingTemplate? template, TimeProvider time) : IRouteIntegration
{
    public bool RunsInline => false;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        var requestId = Connections.ConnectionIds.New();
        var now = time.GetUtcNow();
        byte[] payload;
        try
        {
            payload = template is null
                ? WebSocketEvent.Write(invocation, apiId, requestId, now)
                : Encoding.UTF8.GetBytes(template.Render(TemplateInputs.ForRoute(invocation, apiId, requestId, now)));
        }
        catch (TemplateRenderException)
        {
            // What the template failed on may be the client's message: not logged.
            return RouteResult.Failed;
        }

        var answer = await invoker.InvokeAsync(payload, requestId, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome != RouteOutcome.Completed)
        {
            return answer.Outcome == RouteOutcome.TimedOut ? RouteResult.TimedOut : RouteResult.Failed;
        }

        return ProxyResult.TryReadRoute(answer.Body!, out var result) ? result : RouteResult.Failed;
    }
}
