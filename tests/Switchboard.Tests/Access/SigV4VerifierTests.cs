using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using AspnetBackend;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Access;

// Not "Switchboard.Tests.Access": a namespace by that name would hide Switchboard.Access from every test namespace
// that writes "Access.X".
namespace Switchboard.Tests.AccessControl;

/// <summary>
/// <see cref="SigV4Verifier"/> against requests signed by AWSSDK.Core's own signer (an implementation independent of
/// the gateway's), by hand where a test needs a request no SDK would make, and <see cref="SigV4"/> against AWS's
/// published Signature Version 4 test suite.
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string AccessKey = "SBAKVERIFIERTESTKEY1";
    private const string Secret = "verifier-secret-0123456789abcdefghijklmn";
    private const string GatewayUrl = "https://abcdef1234.execute-api.us-east-1.amazonaws.com";
    private const string Id = "aB3-_xY9zQ1-_k0P";

    private static readonly DateTimeOffset Now = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private static readonly ManagementCredentials Known = new(AccessKey, Secret, null, "us-east-1");

    // ---- Signed by AWSSDK.Core ----

    [Theory]
    [InlineData("POST", "{\"hello\":\"world\"}")]
    [InlineData("POST", "")]
    [InlineData("GET", null)]
    [InlineData("DELETE", null)]
    public async Task SignedByTheSdk_Verifies(string method, string? body)
    {
        var request = SdkSigned(new HttpMethod(method), $"{GatewayUrl}/dev/%40connections/{Id}", body, Known, Now);

        var (credential, region, denial) = await VerifyAsync(request);

        Assert.Null(denial);
        Assert.Equal(AccessKey, credential?.AccessKeyId);
        Assert.Equal("us-east-1", region);
    }

    [Fact]
    public async Task SignedByTheSdk_ThePathOnTheWireIsEncodedOnce()
    {
        // What the server sees is the path the SDK sends; the SDK's signature covers it encoded once more.
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now);
        Assert.Equal($"/dev/%40connections/{Id}", request.RawPath);
        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task SignedByTheSdk_ForAnotherRegion_Verifies_AndNamesThatRegion()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known with { Region = "eu-west-3" }, Now);

        var (credential, region, denial) = await VerifyAsync(request);

        Assert.Null(denial);
        Assert.NotNull(credential);
        Assert.Equal("eu-west-3", region);
    }

    [Fact]
    public async Task SignedByTheSdk_WithAQueryString_Verifies()
    {
        var request = SdkSignedDirectly("GET", $"/dev/@connections/{Id}", null, Now, new Dictionary<string, string>
        {
            ["b"] = "two words",
            ["a"] = "x/y",
            ["c"] = "caf\u00e9~*",
            ["empty"] = "",
        });
        Assert.Contains("a=x%2Fy", request.RawQuery, StringComparison.Ordinal);

        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task SignedByTheSdk_WithAQueryString_TheQueryIsCovered()
    {
        var request = SdkSignedDirectly("GET", $"/dev/@connections/{Id}", null, Now, new Dictionary<string, string> { ["a"] = "1" });

        var denial = (await VerifyAsync(request with { RawQuery = "a=2" })).Denial;

        AssertDenied(denial, "InvalidSignatureException", "The request signature we calculated does not match");
    }

    [Fact]
    public async Task SignedByTheSdk_WithASessionToken_Verifies()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known with { SessionToken = "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars" }, Now);
        Assert.NotNull(request.Header("X-Amz-Security-Token"));
        Assert.Contains("x-amz-security-token", request.Header("Authorization"), StringComparison.Ordinal);

        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task SignedByTheSdk_WithContentType_Verifies()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "{}", Known, Now, "application/json; charset=utf-8");
        Assert.Contains("content-type", request.Header("Authorization"), StringComparison.Ordinal);

        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task WrongSecret_IsAnInvalidSignature()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known with { SecretAccessKey = Secret + "x" }, Now);

        var denial = (await VerifyAsync(request)).Denial;

        AssertDenied(denial, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
        Assert.Equal(403, denial!.Status);
    }

    [Fact]
    public async Task UnknownAccessKey_IsAnUnrecognizedClient()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known with { AccessKeyId = "SBAKNOSUCHKEY0000000" }, Now);

        var denial = (await VerifyAsync(request)).Denial;

        Assert.NotNull(denial);
        Assert.Equal("UnrecognizedClientException", denial.ErrorType);
        Assert.Equal("The security token included in the request is invalid.", denial.Message);
        Assert.Equal(403, denial.Status);
    }

    [Fact]
    public async Task NoAuthorization_IsAMissingAuthenticationToken()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now);
        var headers = Headers(request);
        headers.Remove("Authorization");

        var denial = (await VerifyAsync(request with { Header = name => headers.GetValueOrDefault(name) })).Denial;

        Assert.NotNull(denial);
        Assert.Equal("MissingAuthenticationTokenException", denial.ErrorType);
        Assert.Equal("Missing Authentication Token", denial.Message);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=SIG", "'Credential'")]
    [InlineData("AWS4-HMAC-SHA256 Credential=CRED, SignedHeaders=host;x-amz-date", "'Signature'")]
    [InlineData("AWS4-HMAC-SHA256 Credential=CRED, Signature=SIG", "'SignedHeaders'")]
    [InlineData("AWS4-HMAC-SHA512 Credential=CRED, SignedHeaders=host;x-amz-date, Signature=SIG", "'Credential'")]
    [InlineData("Bearer abc.def.ghi", "'Credential'")]
    [InlineData("AWS4-HMAC-SHA256", "'Credential'")]
    [InlineData("AWS4-HMAC-SHA256 Credential=SBAKVERIFIERTESTKEY1/20260314/us-east-1/execute-api, SignedHeaders=host;x-amz-date, Signature=SIG", "Credential should be scoped")]
    [InlineData("AWS4-HMAC-SHA256 Credential=SBAKVERIFIERTESTKEY1/2026-03-14/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=SIG", "Credential should be scoped")]
    public async Task MalformedAuthorization_IsAnIncompleteSignature(string authorization, string expected)
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now);
        var valid = signed.Headers["Authorization"];
        var credential = valid.Split("Credential=")[1].Split(',')[0];
        var signature = valid.Split("Signature=")[1];
        signed.Headers["Authorization"] = authorization.Replace("CRED", credential, StringComparison.Ordinal).Replace("SIG", signature, StringComparison.Ordinal);

        var denial = (await VerifyAsync(signed.ToRequest())).Denial;

        AssertDenied(denial, "IncompleteSignatureException", expected);
    }

    [Fact]
    public async Task NoDate_IsAnIncompleteSignature()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now);
        signed.Headers.Remove("X-Amz-Date");

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "IncompleteSignatureException", "'X-Amz-Date' or a 'Date' header");
    }

    [Fact]
    public async Task DateHeaderInsteadOfXAmzDate_Verifies()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, dateHeader: "Date");

        Assert.Equal(Now.ToString("r", CultureInfo.InvariantCulture), signed.Headers["Date"]);
        Assert.Null((await VerifyAsync(signed.ToRequest())).Denial);
    }

    [Theory]
    [InlineData(-4)]
    [InlineData(4)]
    [InlineData(0)]
    public async Task SignedWithinFiveMinutes_Verifies(int minutes)
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now.AddMinutes(minutes));

        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task SignedSixMinutesAgo_HasExpired()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now.AddMinutes(-6));

        AssertDenied((await VerifyAsync(request)).Denial, "InvalidSignatureException", "Signature expired");
    }

    [Fact]
    public async Task SignedSixMinutesAhead_IsNotYetCurrent()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now.AddMinutes(6));

        AssertDenied((await VerifyAsync(request)).Denial, "InvalidSignatureException", "Signature not yet current");
    }

    [Fact]
    public async Task TheSameRequest_ExpiresAsTheServersClockMoves()
    {
        var time = new FakeTimeProvider(Now);
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now);
        Assert.Null((await VerifyAsync(request, time)).Denial);

        time.Advance(TimeSpan.FromMinutes(6));

        AssertDenied((await VerifyAsync(request, time)).Denial, "InvalidSignatureException", "Signature expired");
    }

    [Theory]
    [InlineData("apigateway")]
    [InlineData("s3")]
    [InlineData("execute-api2")]
    public async Task ScopedToAnotherService_IsRefused(string service)
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, service: service);

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "IncompleteSignatureException", "'execute-api'");
    }

    [Fact]
    public async Task ScopeDateOtherThanTheRequestsDate_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, scopeDate: "20260313");

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "Date in Credential scope does not match");
    }

    [Fact]
    public async Task HostNotSigned_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, signedHeaders: ["x-amz-date"]);

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "IncompleteSignatureException", "'Host'");
    }

    [Fact]
    public async Task AnotherHost_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now);
        signed.Headers["Host"] = "evil.example.com";

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task AnotherMethod_IsRefused()
    {
        var request = SdkSigned(HttpMethod.Get, $"{GatewayUrl}/dev/%40connections/{Id}", null, Known, Now);

        AssertDenied((await VerifyAsync(request with { Method = "DELETE" })).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task AnotherConnectionId_IsRefused()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", Known, Now);

        var denial = (await VerifyAsync(request with { RawPath = "/dev/%40connections/zzzzzzzzzzzzzzzz" })).Denial;

        AssertDenied(denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task BodyChangedAfterSigning_WithTheSdksContentHash_IsRefused()
    {
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "pay me 1", Known, Now);
        Assert.NotNull(request.Header("X-Amz-Content-SHA256"));

        var denial = (await VerifyAsync(request with { Body = Encoding.UTF8.GetBytes("pay me 9") })).Denial;

        AssertDenied(denial, "InvalidSignatureException", "x-amz-content-sha256");
    }

    [Fact]
    public async Task BodyChangedAfterSigning_WithoutAContentHashHeader_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "pay me 1", Now);
        Assert.False(signed.Headers.ContainsKey("X-Amz-Content-Sha256"));
        signed.Body = Encoding.UTF8.GetBytes("pay me 9");

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task BodyDroppedAfterSigning_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "something", Now);
        signed.Body = [];

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Theory]
    [InlineData("signed body")]
    [InlineData("a different body altogether")]
    [InlineData("")]
    public async Task UnsignedPayload_Signed_VerifiesWithAnyBody(string sentBody)
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "signed body", Now, extraHeaders: new() { ["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD" });
        Assert.Contains("x-amz-content-sha256", signed.Headers["Authorization"], StringComparison.Ordinal);
        signed.Body = Encoding.UTF8.GetBytes(sentBody);

        Assert.Null((await VerifyAsync(signed.ToRequest())).Denial);
    }

    [Fact]
    public async Task UnsignedPayloadHeader_AddedToARequestSignedOverItsBody_IsRefused()
    {
        // The signer hashed the body; a header added in transit cannot turn that into an unsigned payload.
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "original", Now);
        signed.Headers["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD";
        signed.Body = Encoding.UTF8.GetBytes("replaced");

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task ContentHashNotMatchingTheBody_IsRefused()
    {
        var otherHash = SigV4.Hex(SHA256.HashData("another body"u8));
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "the body", Now, extraHeaders: new() { ["X-Amz-Content-Sha256"] = otherHash }, payloadHash: otherHash);

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "'x-amz-content-sha256' header does not match");
    }

    [Fact]
    public async Task SecurityToken_Signed_IsAccepted()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, extraHeaders: new() { ["X-Amz-Security-Token"] = "IQoJb3JpZ2luX2VjEXAMPLE" });
        Assert.Contains("x-amz-security-token", signed.Headers["Authorization"], StringComparison.Ordinal);

        Assert.Null((await VerifyAsync(signed.ToRequest())).Denial);
    }

    [Fact]
    public async Task SecurityToken_ChangedAfterSigning_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, extraHeaders: new() { ["X-Amz-Security-Token"] = "IQoJb3JpZ2luX2VjEXAMPLE" });
        signed.Headers["X-Amz-Security-Token"] = "IQoJb3JpZ2luX2VjOTHER";

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task SignedHeaderNotSent_IsRefused()
    {
        var signed = HandSigned("POST", $"/dev/@connections/{Id}", "", "x", Now, extraHeaders: new() { ["X-Custom"] = "value" });
        signed.Headers.Remove("X-Custom");

        AssertDenied((await VerifyAsync(signed.ToRequest())).Denial, "InvalidSignatureException", "does not match the signature you provided");
    }

    [Fact]
    public async Task EnvironmentCredential_Verifies()
    {
        var environment = new AccessCredential("SBAKFROMENVIRONMENT0", "env-secret", "environment", AccessPolicy.FullAccess, Now);
        var verifier = new SigV4Verifier(new CredentialLookup(environment, new InMemoryCredentialStore()), new FakeTimeProvider(Now));
        var request = SdkSigned(HttpMethod.Post, $"{GatewayUrl}/dev/%40connections/{Id}", "x", new ManagementCredentials("SBAKFROMENVIRONMENT0", "env-secret", null, "us-east-1"), Now);

        var (credential, _, denial) = await verifier.VerifyAsync(request, CancellationToken.None);

        Assert.Null(denial);
        Assert.Same(environment, credential);
    }

    // ---- Both spellings of the path ----

    [Fact]
    public async Task DotNetSdkSpelling_SignedOverPercent40_VerifiesWhenThatPathArrives()
    {
        // The AWS SDK for .NET sends '@' as %40 and signs that path encoded again: %2540. The canonical request is
        // written out here, not built by the gateway's code, and signed by AWSSDK.Core.
        var signed = SignedOverCanonicalPath($"/dev/%40connections/{Id}", $"/dev/%2540connections/{Id}");

        Assert.Null((await VerifyAsync(signed)).Denial);
        AssertDenied((await VerifyAsync(signed with { RawPath = $"/dev/@connections/{Id}" })).Denial, "InvalidSignatureException", "does not match");
    }

    [Fact]
    public async Task JavaScriptSdkSpelling_SignedOverAt_VerifiesWhenThatPathArrives()
    {
        // aws-sdk for JavaScript v2 (and botocore) send '@' as it is and sign it encoded once: %40.
        var signed = SignedOverCanonicalPath($"/dev/@connections/{Id}", $"/dev/%40connections/{Id}");

        Assert.Null((await VerifyAsync(signed)).Denial);
        AssertDenied((await VerifyAsync(signed with { RawPath = $"/dev/%40connections/{Id}" })).Denial, "InvalidSignatureException", "does not match");
    }

    // ---- Pre-signed URLs ----

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(-4)]
    public async Task PresignedUrl_VerifiesWithinItsExpiry(int minutesAfterSigning)
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);
        Assert.Contains("X-Amz-Signature=", request.RawQuery, StringComparison.Ordinal);
        Assert.Null(request.Header("Authorization"));

        var (credential, region, denial) = await VerifyAsync(request, new FakeTimeProvider(Now.AddMinutes(minutesAfterSigning)));

        Assert.Null(denial);
        Assert.Equal(AccessKey, credential?.AccessKeyId);
        Assert.Equal("us-east-1", region);
    }

    [Fact]
    public async Task PresignedUrl_IsRefusedAfterItExpires()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);

        var denial = (await VerifyAsync(request, new FakeTimeProvider(Now.AddMinutes(11)))).Denial;

        AssertDenied(denial, "InvalidSignatureException", "Signature expired");
    }

    [Fact]
    public async Task PresignedUrl_SignedInTheFuture_IsNotYetCurrent()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now.AddMinutes(6), expiresSeconds: 600);

        AssertDenied((await VerifyAsync(request)).Denial, "InvalidSignatureException", "Signature not yet current");
    }

    [Fact]
    public async Task PresignedUrl_ForDelete_Verifies()
    {
        var request = SdkPresigned("DELETE", $"/dev/@connections/{Id}", Now, expiresSeconds: 60);

        Assert.Null((await VerifyAsync(request)).Denial);
    }

    [Fact]
    public async Task PresignedUrl_WithItsExpiryExtended_IsRefused()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);
        Assert.Contains("X-Amz-Expires=600", request.RawQuery, StringComparison.Ordinal);
        var tampered = request with { RawQuery = request.RawQuery.Replace("X-Amz-Expires=600", "X-Amz-Expires=3600", StringComparison.Ordinal) };

        AssertDenied((await VerifyAsync(tampered, new FakeTimeProvider(Now.AddMinutes(30)))).Denial, "InvalidSignatureException", "does not match");
    }

    [Fact]
    public async Task PresignedUrl_WithAParameterAdded_IsRefused()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);

        AssertDenied((await VerifyAsync(request with { RawQuery = request.RawQuery + "&extra=1" })).Denial, "InvalidSignatureException", "does not match");
    }

    [Fact]
    public async Task PresignedUrl_ForAnotherMethod_IsRefused()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);

        AssertDenied((await VerifyAsync(request with { Method = "DELETE" })).Denial, "InvalidSignatureException", "does not match");
    }

    [Fact]
    public async Task PresignedUrl_ByHand_FollowingTheAwsSpec_Verifies()
    {
        // X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders=host in the query; the signature over the
        // canonical request with that query (without X-Amz-Signature) and the payload hash of the (empty) body.
        var amzDate = Now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var query = $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AccessKey}%2F{amzDate[..8]}%2Fap-south-1%2Fexecute-api%2Faws4_request"
            + $"&X-Amz-Date={amzDate}&X-Amz-Expires=120&X-Amz-SignedHeaders=host";
        var path = $"/dev/@connections/{Id}";
        var canonical = SigV4.CanonicalRequest("GET", SigV4.CanonicalPath(path), SigV4.CanonicalQuery(query), [new("host", "gw.example.com")], SigV4.EmptyPayloadHash);
        var (signature, _) = SigV4.Sign(Secret, amzDate, amzDate[..8], "ap-south-1", "execute-api", canonical);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = "gw.example.com" };
        var request = new SignedRequest("GET", path, query + "&X-Amz-Signature=" + signature, name => headers.GetValueOrDefault(name), ReadOnlyMemory<byte>.Empty);

        var (_, region, denial) = await VerifyAsync(request, new FakeTimeProvider(Now.AddSeconds(119)));
        Assert.Null(denial);
        Assert.Equal("ap-south-1", region);
        AssertDenied((await VerifyAsync(request, new FakeTimeProvider(Now.AddSeconds(121)))).Denial, "InvalidSignatureException", "Signature expired");
    }

    [Fact]
    public async Task PresignedUrl_WithAnExpiryOverSevenDays_IsRefused()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);
        var tampered = request with { RawQuery = request.RawQuery.Replace("X-Amz-Expires=600", "X-Amz-Expires=604801", StringComparison.Ordinal) };

        AssertDenied((await VerifyAsync(tampered)).Denial, "IncompleteSignatureException", "X-Amz-Expires");
    }

    [Theory]
    [InlineData("X-Amz-Credential")]
    [InlineData("X-Amz-Signature")]
    [InlineData("X-Amz-SignedHeaders")]
    [InlineData("X-Amz-Date")]
    [InlineData("X-Amz-Expires")]
    public async Task PresignedUrl_MissingAParameter_IsAnIncompleteSignature(string parameter)
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);
        var query = string.Join('&', request.RawQuery.Split('&').Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal)));
        Assert.NotEqual(request.RawQuery, query);

        AssertDenied((await VerifyAsync(request with { RawQuery = query })).Denial, "IncompleteSignatureException", $"'{parameter}'");
    }

    [Fact]
    public async Task PresignedUrl_WithAnotherAlgorithm_IsAnIncompleteSignature()
    {
        var request = SdkPresigned("GET", $"/dev/@connections/{Id}", Now, expiresSeconds: 600);
        var query = request.RawQuery.Replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256", StringComparison.Ordinal);

        AssertDenied((await VerifyAsync(request with { RawQuery = query })).Denial, "IncompleteSignatureException", "AWS4-HMAC-SHA256");
    }

    // ---- AWS's Signature Version 4 test suite ----

    /// <summary>
    /// Vectors of AWS's published SigV4 test suite (service <c>service</c>, region us-east-1, 20150830T123600Z, secret
    /// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY): the request, its canonical form and signature as published.
    /// </summary>
    public static TheoryData<string, string, string, string, string, string> Suite => new()
    {
        { "get-vanilla", "GET", "/", "", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", "", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-vanilla-query-order-value", "GET", "/", "Param1=value2&Param1=value1", "", "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694" },
        { "get-vanilla-query-order-key", "GET", "/", "Param1=value2&Param1=Value1", "", "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1" },
        {
            "get-vanilla-query-unreserved", "GET", "/",
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "",
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
        },
        { "get-vanilla-utf8-query", "GET", "/", "\u1234=bar", "", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
        { "normalize-path/get-space", "GET", "/example space/", "", "", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "post-vanilla", "POST", "/", "", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-header-key-sort", "POST", "/", "", "my-header1:value1", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
        { "post-header-value-case", "POST", "/", "", "my-header1:VALUE1", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
    };

    [Theory]
    [MemberData(nameof(Suite))]
    public void AwsTestSuite_SignatureMatchesThePublishedOne(string name, string method, string path, string query, string extraHeader, string expected)
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", "example.amazonaws.com") };
        if (extraHeader.Length > 0)
        {
            var colon = extraHeader.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(extraHeader[..colon], SigV4.CanonicalHeaderValue(extraHeader[(colon + 1)..])));
        }

        headers.Add(new("x-amz-date", "20150830T123600Z"));
        var canonical = SigV4.CanonicalRequest(method, SigV4.CanonicalPath(path), SigV4.CanonicalQuery(query), headers, SigV4.EmptyPayloadHash);

        var (signature, _) = SigV4.Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "20150830", "us-east-1", "service", canonical);

        Assert.True(expected == signature, $"{name}: expected {expected}, got {signature} for the canonical request\n{canonical}");
    }

    [Fact]
    public void AwsTestSuite_GetVanilla_CanonicalRequestAndStringToSignAreThePublishedOnes()
    {
        var canonical = SigV4.CanonicalRequest(
            "GET", SigV4.CanonicalPath("/"), SigV4.CanonicalQuery(""), [new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z")], SigV4.EmptyPayloadHash);

        Assert.Equal(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
        var (signature, stringToSign) = SigV4.Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "20150830", "us-east-1", "service", canonical);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            stringToSign);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Fact]
    public void AwsTestSuite_PostStsHeaderBefore_SignsTheSessionToken()
    {
        const string token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        var canonical = SigV4.CanonicalRequest(
            "POST",
            SigV4.CanonicalPath("/"),
            "",
            [new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z"), new("x-amz-security-token", token)],
            SigV4.EmptyPayloadHash);

        var (signature, _) = SigV4.Sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "20150830", "us-east-1", "service", canonical);

        Assert.Equal("85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead", signature);
    }

    [Theory]
    [InlineData("  value1  ", "value1")]
    [InlineData("\"a   b   c\"", "\"a b c\"")]
    [InlineData("a b", "a b")]
    public void CanonicalHeaderValue_TrimsAndCollapsesSpaces(string value, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalHeaderValue(value));

    // ---- Helpers ----

    private static async Task<(AccessCredential? Credential, string Region, AccessDenial? Denial)> VerifyAsync(SignedRequest request, TimeProvider? time = null)
    {
        var store = new InMemoryCredentialStore();
        Assert.True(await store.CreateAsync(new AccessCredential(AccessKey, Secret, "verifier-test", AccessPolicy.FullAccess, Now)));
        var verifier = new SigV4Verifier(new CredentialLookup(null, store), time ?? new FakeTimeProvider(Now));
        return await verifier.VerifyAsync(request, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static void AssertDenied(AccessDenial? denial, string errorType, string messagePart)
    {
        Assert.NotNull(denial);
        Assert.True(denial.ErrorType == errorType, $"expected {errorType}, got {denial.ErrorType}: {denial.Message}");
        Assert.Contains(messagePart, denial.Message, StringComparison.Ordinal);
        Assert.Equal(403, denial.Status);
    }

    /// <summary>An <see cref="HttpRequestMessage"/> signed by <see cref="SdkRequestSigner"/>, as the server would receive it.</summary>
    private static SignedRequest SdkSigned(HttpMethod method, string url, string? body, ManagementCredentials credentials, DateTimeOffset signedAt, string? contentType = null)
    {
        using var message = new HttpRequestMessage(method, url);
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        if (bytes is not null)
        {
            message.Content = new ByteArrayContent(bytes);
            if (contentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        SdkRequestSigner.Sign(message, bytes, credentials, signedAt.UtcDateTime);

        var uri = message.RequestUri!;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = uri.Authority };
        foreach (var (name, values) in message.Headers.NonValidated)
        {
            headers[name] = string.Join(',', values);
        }

        if (message.Content is not null)
        {
            foreach (var (name, values) in message.Content.Headers.NonValidated)
            {
                headers[name] = string.Join(',', values);
            }
        }

        return new SignedRequest(message.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), name => headers.GetValueOrDefault(name), bytes ?? []);
    }

    /// <summary>AWSSDK.Core's <see cref="AWS4Signer"/> used directly: a request with query parameters, as the URL the SDK composes.</summary>
    private static SignedRequest SdkSignedDirectly(string method, string resourcePath, string? body, DateTimeOffset signedAt, IReadOnlyDictionary<string, string> parameters)
    {
        var request = SdkRequest(method, resourcePath, body);
        request.UseQueryString = true;
        foreach (var (name, value) in parameters)
        {
            request.Parameters[name] = value;
        }

        var result = new AWS4Signer().SignRequest(request, new SigningConfig("us-east-1"), new RequestMetrics(), AccessKey, Secret, signedAt.UtcDateTime);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        return FromSdkRequest(request, AmazonServiceClient.ComposeUrl(request));
    }

    /// <summary>A pre-signed URL made by AWSSDK.Core's <see cref="AWS4PreSignedUrlSigner"/>.</summary>
    private static SignedRequest SdkPresigned(string method, string resourcePath, DateTimeOffset signedAt, int expiresSeconds)
    {
        var request = SdkRequest(method, resourcePath, null);
        request.UseQueryString = true;
        request.Parameters["X-Amz-Expires"] = expiresSeconds.ToString(CultureInfo.InvariantCulture);
        var result = AWS4PreSignedUrlSigner.SignRequest(request, null, new RequestMetrics(), AccessKey, Secret, "execute-api", "us-east-1", signedAt.UtcDateTime);
        var url = new Uri(AmazonServiceClient.ComposeUrl(request).AbsoluteUri + "&" + result.ForQueryParameters);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = url.Authority };
        return new SignedRequest(method, url.AbsolutePath, url.Query.TrimStart('?'), name => headers.GetValueOrDefault(name), ReadOnlyMemory<byte>.Empty);
    }

    private static DefaultRequest SdkRequest(string method, string resourcePath, string? body) => new(new SdkServiceRequest(), "ApiGatewayManagementApi")
    {
        HttpMethod = method,
        Endpoint = new Uri(GatewayUrl),
        ResourcePath = resourcePath,
        Content = body is null ? [] : Encoding.UTF8.GetBytes(body),
        AuthenticationRegion = "us-east-1",
        OverrideSigningServiceName = "execute-api",
    };

    private static SignedRequest FromSdkRequest(DefaultRequest request, Uri url)
    {
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        return new SignedRequest(request.HttpMethod, url.AbsolutePath, url.Query.TrimStart('?'), name => headers.GetValueOrDefault(name), request.Content ?? []);
    }

    /// <summary>
    /// A POST whose canonical request is written out with <paramref name="canonicalPath"/> and signed by AWSSDK.Core's
    /// <see cref="AWS4Signer.ComputeSignature(string, string, string, DateTime, string, string, string)"/>; it arrives as <paramref name="rawPath"/>.
    /// </summary>
    private static SignedRequest SignedOverCanonicalPath(string rawPath, string canonicalPath)
    {
        var amzDate = Now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var body = "hello"u8.ToArray();
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var canonical = $"POST\n{canonicalPath}\n\nhost:gw.example.com\nx-amz-date:{amzDate}\n\nhost;x-amz-date\n{bodyHash}";
        var result = AWS4Signer.ComputeSignature(AccessKey, Secret, "us-east-1", Now.UtcDateTime, "execute-api", "host;x-amz-date", canonical);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = "gw.example.com",
            ["X-Amz-Date"] = amzDate,
            ["Authorization"] = result.ForAuthorizationHeader,
        };
        return new SignedRequest("POST", rawPath, "", name => headers.GetValueOrDefault(name), body);
    }

    private static Dictionary<string, string> Headers(SignedRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[] { "Host", "Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token", "Content-Type" })
        {
            if (request.Header(name) is { } value)
            {
                headers[name] = value;
            }
        }

        return headers;
    }

    /// <summary>
    /// A request signed by hand (the gateway's own <see cref="SigV4"/> pieces), for requests no SDK makes: another
    /// service, host unsigned, a Date header, a mismatching content hash.
    /// </summary>
    private static HandRequest HandSigned(
        string method,
        string rawPath,
        string rawQuery,
        string body,
        DateTimeOffset signedAt,
        string service = "execute-api",
        string region = "us-east-1",
        string? scopeDate = null,
        string[]? signedHeaders = null,
        Dictionary<string, string>? extraHeaders = null,
        string? payloadHash = null,
        string dateHeader = "X-Amz-Date")
    {
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Host"] = "gw.example.com" };
        headers[dateHeader] = dateHeader == "Date" ? signedAt.ToString("r", CultureInfo.InvariantCulture) : amzDate;
        foreach (var (name, value) in extraHeaders ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        var names = signedHeaders ?? [.. headers.Keys.Select(static k => k.ToLowerInvariant()).Order(StringComparer.Ordinal)];
        var bytes = Encoding.UTF8.GetBytes(body);
        var hash = payloadHash ?? (headers.TryGetValue("X-Amz-Content-Sha256", out var given) ? given : SigV4.Hex(SHA256.HashData(bytes)));
        var canonical = SigV4.CanonicalRequest(
            method, SigV4.CanonicalPath(rawPath), SigV4.CanonicalQuery(rawQuery), names.Select(n => KeyValuePair.Create(n, SigV4.CanonicalHeaderValue(headers[n]))), hash);
        var scope = scopeDate ?? amzDate[..8];
        var (signature, _) = SigV4.Sign(Secret, amzDate, scope, region, service, canonical);
        headers["Authorization"] = $"AWS4-HMAC-SHA256 Credential={AccessKey}/{scope}/{region}/{service}/aws4_request, SignedHeaders={string.Join(';', names)}, Signature={signature}";
        return new HandRequest(method, rawPath, rawQuery, headers) { Body = bytes };
    }

    private sealed class HandRequest(string method, string rawPath, string rawQuery, Dictionary<string, string> headers)
    {
        public Dictionary<string, string> Headers { get; } = headers;

        public byte[] Body { get; set; } = [];

        public SignedRequest ToRequest()
        {
            var snapshot = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase);
            return new SignedRequest(method, rawPath, rawQuery, name => snapshot.GetValueOrDefault(name), Body);
        }
    }

    private sealed class SdkServiceRequest : AmazonWebServiceRequest;

    /// <summary>The least client configuration <see cref="AWS4Signer"/> reads: region and service name.</summary>
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig(string region)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard }]))
        {
            AuthenticationRegion = region;
            AuthenticationServiceName = "execute-api";
            ServiceURL = GatewayUrl;
        }

        public override string ServiceVersion => "2018-11-29";

        public override string UserAgent => "switchboard-tests";

        public override string RegionEndpointServiceName => "execute-api";

        public override Amazon.Runtime.Endpoints.Endpoint DetermineServiceOperationEndpoint(Amazon.Runtime.Endpoints.ServiceOperationEndpointParameters parameters) => new(ServiceURL);
    }
}
