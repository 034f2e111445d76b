using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// Signs outgoing requests with AWS Signature Version 4 (header form), for invoking AWS Lambda itself. Credentials
/// come from the standard AWS environment variables, read once when the definition is loaded (so temporary
/// credentials with <c>AWS_SESSION_TOKEN</c> last until they expire; restart with fresh ones).
/// </summary>
internal sealed class SigV4Signer(string accessKeyId, string secretAccessKey, string? sessionToken, string region, string service, TimeProvider time)
{
    /// <summary>A signer from <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c> and the region; null when credentials are missing.</summary>
    public static SigV4Signer? FromEnvironment(Func<string, string?> environment, string endpoint, string service, TimeProvider time)
    {
        var accessKey = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secret))
        {
            return null;
        }

        // The endpoint's own region wins: a request to lambda.eu-west-1 signed for another region is refused.
        var region = RegionOf(endpoint) ?? environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION") ?? "us-east-1";
        return new SigV4Signer(accessKey, secret, environment("AWS_SESSION_TOKEN"), region, service, time);
    }

    /// <summary><c>us-west-2</c> from <c>https://lambda.us-west-2.amazonaws.com</c>.</summary>
    public static string? RegionOf(string endpoint)
    {
        var parts = new Uri(endpoint).Host.Split('.');
        return parts.Length >= 4 && parts[^2] == "amazonaws" ? parts[1] : null;
    }

    public void Sign(HttpRequestMessage request, byte[] payload)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var uri = request.RequestUri!;
        var payloadHash = Hex(SHA256.HashData(payload));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", payloadHash);
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/json",
            ["host"] = host,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        if (sessionToken is not null)
        {
            headers["x-amz-security-token"] = sessionToken;
        }

        var (signedHeaders, signature) = Compute(secretAccessKey, amzDate, region, service, request.Method.Method, CanonicalPath(uri.AbsolutePath), "", headers, payloadHash);
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>
    /// The SigV4 signature of a request given in canonical pieces: lower-case header names with trimmed values, sorted;
    /// the path and query already canonical. Returns the signed-headers list and the hex signature.
    /// </summary>
    internal static (string SignedHeaders, string Signature) Compute(
        string secretAccessKey,
        string amzDate,
        string region,
        string service,
        string method,
        string canonicalPath,
        string canonicalQuery,
        SortedDictionary<string, string> headers,
        string payloadHash)
    {
        var canonical = Access.SigV4.CanonicalRequest(
            method, canonicalPath, canonicalQuery, headers.Select(static h => KeyValuePair.Create(h.Key, Access.SigV4.CanonicalHeaderValue(h.Value))), payloadHash);
        var (signature, _) = Access.SigV4.Sign(secretAccessKey, amzDate, amzDate[..8], region, service, canonical);
        return (string.Join(';', headers.Keys), signature);
    }

    // The request's path is already encoded once; SigV4 encodes each segment again (every service but S3).
    private static string CanonicalPath(string absolutePath) => Access.SigV4.CanonicalPath(absolutePath);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
