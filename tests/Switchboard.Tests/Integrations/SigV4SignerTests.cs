using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Integrations.Backend;

namespace Switchboard.Tests.Integrations;

/// <summary>The SigV4 signing the <c>lambda</c> integration uses for AWS, against AWS's published Signature Version 4 test suite.</summary>
public sealed class SigV4SignerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void PostVanilla_MatchesTheTestSuite()
    {
        var (signed, signature) = SigV4Signer.Compute(Secret, "20150830T123600Z", "us-east-1", "service", "POST", "/", "", Headers(("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")), EmptyHash);

        Assert.Equal("host;x-amz-date", signed);
        Assert.Equal("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", signature);
    }

    [Fact]
    public void PostWithBodyAndContentType_MatchesTheTestSuite()
    {
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData("Param1=value1"u8));
        var (signed, signature) = SigV4Signer.Compute(
            Secret, "20150830T123600Z", "us-east-1", "service", "POST", "/", "",
            Headers(("content-type", "application/x-www-form-urlencoded"), ("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")),
            payloadHash);

        Assert.Equal("content-type;host;x-amz-date", signed);
        Assert.Equal("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", signature);
    }

    [Fact]
    public void Sign_AddsTheHeadersAwsExpects()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        var signer = new SigV4Signer("AKIDEXAMPLE", Secret, "token-1", "eu-west-1", "lambda", time);
        var payload = Encoding.UTF8.GetBytes("{}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/my%3Afn/invocations");

        signer.Sign(request, payload);

        Assert.Equal("20261202T100000Z", Assert.Single(request.Headers.GetValues("X-Amz-Date")));
        Assert.Equal("token-1", Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), Assert.Single(request.Headers.GetValues("X-Amz-Content-Sha256")));
        var authorization = Assert.Single(request.Headers.GetValues("Authorization"));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/eu-west-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=", authorization);
    }

    [Theory]
    [InlineData("https://lambda.us-west-2.amazonaws.com", "us-west-2")]
    [InlineData("http://127.0.0.1:9001", null)]
    [InlineData("http://localhost:4566", null)]
    public void RegionOf_ReadsTheRegionFromAnAwsEndpoint(string endpoint, string? region) =>
        Assert.Equal(region, SigV4Signer.RegionOf(endpoint));

    private static SortedDictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        new(headers.ToDictionary(static h => h.Name, static h => h.Value), StringComparer.Ordinal);
}
