using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.Access;
using Switchboard.Operations;

namespace Switchboard.Management;

/// <summary>
/// Who may call the management API: every request is signed with SigV4 by a known credential whose policy allows
/// <c>execute-api:ManageConnections</c> on the request's resource
/// (<c>arn:aws:execute-api:REGION:000000000000:API-ID/STAGE/METHOD/@connections/ID</c>). Refusals carry API
/// Gateway's status, <c>x-amzn-ErrorType</c> and message, so SDKs raise the exceptions their users expect.
/// </summary>
internal sealed class ManagementAccess(SigV4Verifier verifier)
{
    /// <summary>
    /// Reads the body (at most <paramref name="maxBodyBytes"/>; over it, 413) and checks the signature over it and the
    /// policy. The body when allowed; null when the request was answered.
    /// </summary>
    public async ValueTask<byte[]?> AuthorizeAsync(HttpContext http, string apiName, string stage, string resourcePath, int maxBodyBytes)
    {
        var request = http.Request;

        // Unsigned calls are told so before their body is read.
        if (!request.Headers.ContainsKey("Authorization") && !request.Query.ContainsKey("X-Amz-Algorithm"))
        {
            await AnswerAsync(http, AccessDenial.MissingToken).ConfigureAwait(false);
            return null;
        }

        var body = await ManagementRequests.ReadBodyAsync(http, maxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var signed = new SignedRequest(
            request.Method,
            question < 0 ? rawTarget : rawTarget[..question],
            question < 0 ? "" : rawTarget[(question + 1)..],
            name => request.Headers.TryGetValue(name, out var values) ? string.Join(',', values.Select(static v => v ?? "")) : null,
            body);
        var (credential, region, denial) = await verifier.VerifyAsync(signed, http.RequestAborted).ConfigureAwait(false);
        if (denial is null)
        {
            var resource = AccessPolicy.ResourceArn(region, Routing.ApiIds.For(apiName), stage, request.Method, resourcePath);
            if (!credential!.Policy.Allows(AccessPolicy.ManageConnections, resource))
            {
                denial = AccessDenial.NotAuthorized(credential.Principal, AccessPolicy.ManageConnections, resource);
            }
        }

        if (denial is not null)
        {
            await AnswerAsync(http, denial).ConfigureAwait(false);
            return null;
        }

        return body;
    }

    private static Task AnswerAsync(HttpContext http, AccessDenial denial)
    {
        var json = $"{{\"{denial.MessageProperty}\":\"{System.Text.Json.JsonEncodedText.Encode(denial.Message, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"}}";
        return HttpAnswers.JsonAsync(http, denial.Status, json, denial.ErrorType);
    }
}
