using AspnetBackend;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The credential test servers accept (through <c>SWITCHBOARD_ACCESS_KEY_ID</c>/<c>SWITCHBOARD_SECRET_ACCESS_KEY</c>)
/// and a handler that signs every management call (<c>@connections</c>, <c>@groups</c>) with it. A request that
/// already carries an <c>Authorization</c> header, or is marked with <see cref="Unsigned"/>, goes as it is.
/// </summary>
public static class ManagementSigning
{
    public const string AccessKeyId = "SBAKTESTCREDENTIAL00";
    public const string SecretAccessKey = "test-secret-access-key-for-switchboard-tests";

    public static readonly HttpRequestOptionsKey<bool> Unsigned = new("switchboard-unsigned");

    public static ManagementCredentials Credentials(string region = "us-east-1") => new(AccessKeyId, SecretAccessKey, null, region);

    /// <summary>Whether <paramref name="path"/> is a management call.</summary>
    public static bool IsManagementPath(string path)
    {
        var decoded = Uri.UnescapeDataString(path);
        return decoded.Contains("/@connections", StringComparison.Ordinal) || decoded.Contains("/@groups", StringComparison.Ordinal);
    }

    /// <summary>
    /// Signs <paramref name="request"/> as aws-sdk for JavaScript and botocore do: exactly the path and query it will
    /// send (however the test encoded them), the host, the date and the body's hash. AWSSDK.Core's own signer, which
    /// decodes and re-encodes the path first, is exercised by <see cref="SdkRequestSigner"/> in the tests that use it.
    /// </summary>
    public static async Task SignAsync(HttpRequestMessage request, ManagementCredentials credentials, DateTime? signedAt = null)
    {
        var uri = request.RequestUri!;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        var amzDate = (signedAt ?? DateTime.UtcNow).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var payloadHash = Access.SigV4.Hex(System.Security.Cryptography.SHA256.HashData(body));
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var headers = new List<KeyValuePair<string, string>> { new("host", host), new("x-amz-date", amzDate) };
        var canonical = Access.SigV4.CanonicalRequest(
            request.Method.Method, Access.SigV4.CanonicalPath(uri.AbsolutePath), Access.SigV4.CanonicalQuery(uri.Query.TrimStart('?')), headers, payloadHash);
        var (signature, _) = Access.SigV4.Sign(credentials.SecretAccessKey, amzDate, amzDate[..8], credentials.Region, "execute-api", canonical);
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential={credentials.AccessKeyId}/{amzDate[..8]}/{credentials.Region}/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}");
    }

    /// <summary>Signs management calls made through the client it is put in.</summary>
    /// <param name="now">The signing time; a server on a <see cref="TestClock"/> checks the date against that clock.</param>
    public sealed class Handler(ManagementCredentials credentials, Func<DateTime>? now = null) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri
                && IsManagementPath(uri.AbsolutePath)
                && request.Headers.Authorization is null
                && !request.Headers.Contains("Authorization")
                && !(request.Options.TryGetValue(Unsigned, out var unsigned) && unsigned))
            {
                await SignAsync(request, credentials, now?.Invoke());
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
