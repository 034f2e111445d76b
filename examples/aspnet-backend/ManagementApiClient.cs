using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AspnetBackend;

/// <summary>
/// The calls a backend makes back to the gateway at a stage's callback URL (<c>http://{domainName}/{stage}</c>), signed
/// with SigV4 as the AWS SDK signs <c>AmazonApiGatewayManagementApiClient</c>'s: API Gateway's
/// <c>PostToConnection</c>, and Switchboard's sends to a whole stage and to groups.
/// </summary>
public sealed class ManagementApiClient(HttpClient http, Uri endpoint, ManagementCredentials credentials, TimeProvider time)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly string _base = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary><c>POST /@connections/{id}</c>; throws <see cref="ManagementApiException"/> (410 GoneException for a closed connection).</summary>
    public Task PostToConnectionAsync(string connectionId, string data, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, ["@connections", connectionId], data, cancel);

    /// <summary><c>POST /@connections</c>: one frame to every connection of the stage; returns how many it went to.</summary>
    public async Task<int> PostToStageAsync(string data, CancellationToken cancel = default) =>
        SentOf(await SendAsync(HttpMethod.Post, ["@connections"], data, cancel));

    /// <summary><c>PUT /@groups/{group}/{id}</c>: the connection joins the group until it leaves or closes.</summary>
    public Task AddToGroupAsync(string group, string connectionId, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Put, ["@groups", group, connectionId], null, cancel);

    /// <summary><c>POST /@groups/{group}</c>: one frame to every member, in one call; returns how many it went to.</summary>
    public async Task<int> SendToGroupAsync(string group, string data, CancellationToken cancel = default) =>
        SentOf(await SendAsync(HttpMethod.Post, ["@groups", group], data, cancel));

    private async Task<string> SendAsync(HttpMethod method, string[] segments, string? data, CancellationToken cancel)
    {
        // Each segment encoded once, as the AWS SDK puts it on the wire; the signature covers exactly this path.
        var path = string.Join('/', segments.Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(method, $"{_base}/{path}");
        var body = data is null ? null : Encoding.UTF8.GetBytes(data);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonType } };
        }

        SdkRequestSigner.Sign(request, body, credentials, time.GetUtcNow().UtcDateTime);
        using var response = await http.SendAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            throw new ManagementApiException(response.StatusCode, errorType, text);
        }

        return text;
    }

    private static int SentOf(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("sent").GetInt32();
    }
}

/// <summary>A management call the gateway refused: its status, <c>x-amzn-ErrorType</c> (e.g. <c>GoneException</c>) and body.</summary>
public sealed class ManagementApiException(HttpStatusCode statusCode, string? errorType, string body)
    : Exception($"management API answered {(int)statusCode} {errorType}: {body}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public string? ErrorType { get; } = errorType;

    public string Body { get; } = body;

    public bool IsGone => StatusCode == HttpStatusCode.Gone;
}
