using System.Text;
using Microsoft.AspNetCore.Http;
using Switchboard.Operations;
using Switchboard.Templates;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// <c>lambda</c> or <c>http</c> on a REST method. Without a template it is a proxy integration: the REST proxy event
/// (1.0) goes out and the function's proxy result is the answer. With a template the rendered template is the event
/// and the function's result is answered as JSON with 200, as the seed's <c>receiver</c> method does.
/// Failures are 502 and timeouts 504 with API Gateway's messages.
/// </summary>
internal sealed class BackendRestIntegration(BackendInvoker invoker, string apiId, MappingTemplate? template, TimeProvider time) : IRestIntegration
{
    public async ValueTask<RestResult> InvokeAsync(RestInvocation invocation, CancellationToken cancellationToken)
    {
        var requestId = Connections.ConnectionIds.New();
        var now = time.GetUtcNow();
        byte[] payload;
        try
        {
            payload = template is null
                ? RestProxyEvent.Write(invocation, apiId, requestId, now)
                : Encoding.UTF8.GetBytes(template.Render(TemplateInputs.ForRest(invocation, apiId, requestId, now)));
        }
        catch (TemplateRenderException)
        {
            return new RestResult(StatusCodes.Status500InternalServerError, JsonMessages.Message("Internal server error"), ErrorType: "InternalServerErrorException");
        }

        var answer = await invoker.InvokeAsync(payload, requestId, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome == RouteOutcome.TimedOut)
        {
            return new RestResult(StatusCodes.Status504GatewayTimeout, JsonMessages.Message("Endpoint request timed out"));
        }

        if (answer.Outcome != RouteOutcome.Completed)
        {
            return InternalError();
        }

        if (template is not null)
        {
            // A non-proxy integration's default response: the function's result, passed through as JSON.
            return new RestResult(StatusCodes.Status200OK, answer.Body!.Length == 0 ? "null" : Encoding.UTF8.GetString(answer.Body!));
        }

        if (!ProxyResult.TryReadRest(answer.Body!, out var status, out var body, out var headers))
        {
            return InternalError();
        }

        var contentType = headers.FirstOrDefault(static h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (contentType is null || !Rest.ResponseHeaders.IsPrintableAscii(contentType))
        {
            contentType = "application/json";
        }

        return new RestResult(status, Encoding.UTF8.GetString(body), contentType, headers.Where(static h => !string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            RawBody = body,
        };
    }

    private static RestResult InternalError() =>
        new(StatusCodes.Status502BadGateway, JsonMessages.Message("Internal server error"));
}
