using System.Net.Http.Headers;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// The AWS Lambda Invoke API: <c>POST {endpoint}/2015-03-31/functions/{function}/invocations</c>, a synchronous
/// (RequestResponse) invoke. Served by AWS Lambda, LocalStack and the Runtime Interface Emulator inside every Lambda
/// base image. A function that threw still answers 200, with <c>X-Amz-Function-Error</c>.
/// </summary>
internal sealed class LambdaTarget(string endpoint, string function, SigV4Signer? signer) : IBackendTarget
{
    private readonly Uri _uri = new($"{endpoint.TrimEnd('/')}/2015-03-31/functions/{Uri.EscapeDataString(function)}/invocations");

    public string Name => function;

    public HttpRequestMessage CreateRequest(byte[] payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", "RequestResponse");
        signer?.Sign(request, payload);
        return request;
    }

    public bool IsFunctionError(HttpResponseMessage response) => response.Headers.Contains("X-Amz-Function-Error");
}

/// <summary>A plain web service: <c>POST {uri}</c> with the event; a 2xx answer is the result.</summary>
internal sealed class HttpTarget(string uri) : IBackendTarget
{
    private readonly Uri _uri = new(uri);

    /// <summary>Scheme, host, port and path only: a query string or user info may hold a secret, and this is logged.</summary>
    public string Name => $"{_uri.Scheme}://{_uri.Authority}{_uri.AbsolutePath}";

    public HttpRequestMessage CreateRequest(byte[] payload)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    public bool IsFunctionError(HttpResponseMessage response) => false;
}
