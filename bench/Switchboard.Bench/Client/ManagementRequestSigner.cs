using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Bench.Client;

/// <summary>
/// Signs one management API request with AWS Signature Version 4 (service <c>execute-api</c>), as the AWS SDKs do,
/// for the <c>rest</c> scenario: the request is built and signed once and sent many times, which SigV4 accepts while
/// its date is within five minutes of the server's. Credentials come from <c>AWS_ACCESS_KEY_ID</c> and
/// <c>AWS_SECRET_ACCESS_KEY</c> (bench/run.sh exports those of a credential it creates).
/// </summary>
internal static class ManagementRequestSigner
{
    public static (string AccessKeyId, string Secret)? FromEnvironment() =>
        Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } id && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret
            ? (id, secret)
            : null;

    /// <summary>
    /// The <c>X-Amz-Date</c> and <c>Authorization</c> header lines (CRLF-terminated) for a request to
    /// <paramref name="path"/>, which is sent exactly so and holds only unreserved characters, <c>/</c> and <c>@</c>.
    /// </summary>
    public static string HeaderLines((string AccessKeyId, string Secret) credentials, string method, string host, string path, byte[] body, string region = "us-east-1")
    {
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        // The path as sent, each segment URI-encoded once more ('@' becomes %40).
        var canonicalPath = path.Replace("@", "%40", StringComparison.Ordinal);
        var canonical = $"{method}\n{canonicalPath}\n\nhost:{host}\nx-amz-date:{amzDate}\n\nhost;x-amz-date\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        var scope = $"{date}/{region}/execute-api/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.Secret), date);
        foreach (var part in new[] { region, "execute-api", "aws4_request" })
        {
            key = Hmac(key, part);
        }

        var signature = Convert.ToHexStringLower(Hmac(key, toSign));
        return $"X-Amz-Date: {amzDate}\r\nAuthorization: AWS4-HMAC-SHA256 Credential={credentials.AccessKeyId}/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}\r\n";
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
