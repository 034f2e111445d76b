using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Access;

/// <summary>
/// Checks an AWS Signature Version 4 the way API Gateway checks calls to its management API: the
/// <c>Authorization</c> header or a pre-signed query string; service <c>execute-api</c>, any region; the request's
/// date within 5 minutes of the server's (a pre-signed URL: from 5 minutes before its date until it expires); the
/// payload hash of the body, or <c>UNSIGNED-PAYLOAD</c> when the client says so in <c>X-Amz-Content-Sha256</c>.
/// <c>X-Amz-Security-Token</c> is accepted when signed, as the SDKs send it with temporary credentials; the
/// gateway issues no session tokens, so it checks the signature and ignores the token's value. Each failure gets
/// API Gateway's status, error type and message; signatures are compared in constant time.
/// </summary>
internal sealed class SigV4Verifier(CredentialLookup credentials, TimeProvider time)
{
    public const string Service = "execute-api";

    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private const int MaxPresignedExpiresSeconds = 7 * 24 * 3600;

    /// <summary>The credential that signed the request and the region it signed for, or why it is refused.</summary>
    public async ValueTask<(AccessCredential? Credential, string Region, AccessDenial? Denial)> VerifyAsync(SignedRequest request, CancellationToken cancellationToken)
    {
        var parsed = Parse(request);
        if (parsed.Denial is { } denial)
        {
            return (null, "", denial);
        }

        var signature = parsed.Signature!;
        var credential = await credentials.FindAsync(signature.AccessKeyId, cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            return (null, "", AccessDenial.UnknownAccessKey);
        }

        // The pre-signed form lets the signer leave the body unsigned without saying so (the SDKs' presigners differ).
        var payloadHashes = signature.PayloadHash is { } given
            ? [given]
            : signature.Presigned ? new[] { BodyHash(request.Body), SigV4.UnsignedPayload } : [BodyHash(request.Body)];
        string? expected = null;
        foreach (var payloadHash in payloadHashes)
        {
            var canonical = SigV4.CanonicalRequest(
                request.Method, SigV4.CanonicalPath(request.RawPath), SigV4.CanonicalQuery(request.RawQuery, signature.Presigned ? "X-Amz-Signature" : null), signature.Headers, payloadHash);
            var (computed, stringToSign) = SigV4.Sign(credential.SecretAccessKey, signature.AmzDate, signature.ScopeDate, signature.Region, Service, canonical);
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(signature.Value)))
            {
                return (credential, signature.Region, null);
            }

            expected ??= $"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{stringToSign}'\n";
        }

        return (null, "", AccessDenial.Invalid(expected!));
    }

    private (ParsedSignature? Signature, AccessDenial? Denial) Parse(SignedRequest request)
    {
        var authorization = request.Header("Authorization");
        var query = QueryParameters(request.RawQuery);
        if (authorization is null && !query.ContainsKey("X-Amz-Algorithm"))
        {
            return (null, AccessDenial.MissingToken);
        }

        return authorization is not null ? ParseHeader(request, authorization) : ParseQuery(request, query);
    }

    private (ParsedSignature?, AccessDenial?) ParseHeader(SignedRequest request, string authorization)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var algorithmOk = authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal);
        if (algorithmOk)
        {
            foreach (var part in authorization[(SigV4.Algorithm.Length + 1)..].Split(','))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    fields[part[..equals].Trim()] = part[(equals + 1)..].Trim();
                }
            }
        }

        var amzDate = request.Header("X-Amz-Date") ?? DateHeader(request.Header("Date"));
        var missing = new StringBuilder();
        foreach (var required in new[] { "Credential", "Signature", "SignedHeaders" })
        {
            if (!fields.ContainsKey(required))
            {
                missing.Append(CultureInfo.InvariantCulture, $"Authorization header requires '{required}' parameter. ");
            }
        }

        if (amzDate is null)
        {
            missing.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }

        if (missing.Length > 0)
        {
            return (null, AccessDenial.Incomplete($"{missing}Authorization={authorization}"));
        }

        return Complete(request, fields["Credential"], fields["SignedHeaders"], fields["Signature"], amzDate!, expiresSeconds: null, request.Header("X-Amz-Content-Sha256"));
    }

    private (ParsedSignature?, AccessDenial?) ParseQuery(SignedRequest request, Dictionary<string, string> query)
    {
        if (!string.Equals(query["X-Amz-Algorithm"], SigV4.Algorithm, StringComparison.Ordinal))
        {
            return (null, AccessDenial.Incomplete($"X-Amz-Algorithm only supports \"{SigV4.Algorithm}\""));
        }

        var missing = new StringBuilder();
        foreach (var required in new[] { "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires" })
        {
            if (!query.ContainsKey(required))
            {
                missing.Append(CultureInfo.InvariantCulture, $"AWS query-string parameters must include '{required}'. ");
            }
        }

        if (missing.Length > 0)
        {
            return (null, AccessDenial.Incomplete(missing.Append("Re-examine the query-string parameters.").ToString()));
        }

        if (!int.TryParse(query["X-Amz-Expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > MaxPresignedExpiresSeconds)
        {
            return (null, AccessDenial.Incomplete($"X-Amz-Expires must be a whole number of seconds from 0 to {MaxPresignedExpiresSeconds}"));
        }

        return Complete(request, query["X-Amz-Credential"], query["X-Amz-SignedHeaders"], query["X-Amz-Signature"], query["X-Amz-Date"], expires, request.Header("X-Amz-Content-Sha256"));
    }

    private (ParsedSignature?, AccessDenial?) Complete(
        SignedRequest request, string credential, string signedHeaders, string signature, string amzDate, int? expiresSeconds, string? contentSha256)
    {
        // AKID/20150830/us-east-1/execute-api/aws4_request
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[1].Length != 8 || scope[2].Length == 0 || scope[4] != "aws4_request")
        {
            return (null, AccessDenial.Incomplete($"Credential should be scoped to a valid region, not '{(scope.Length > 2 ? scope[2] : "")}'. Expected ACCESS_KEY_ID/YYYYMMDD/REGION/execute-api/aws4_request; got '{credential}'"));
        }

        if (scope[3] != Service)
        {
            return (null, AccessDenial.Incomplete($"Credential should be scoped to correct service: '{Service}'. "));
        }

        if (!DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return (null, AccessDenial.Incomplete($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601"));
        }

        if (scope[1] != amzDate[..8])
        {
            return (null, AccessDenial.Invalid($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope[1]}' != '{amzDate[..8]}', from '{amzDate}'."));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var latest = expiresSeconds is { } expires ? signedAt.AddSeconds(expires) : signedAt + Skew;
        if (now > latest)
        {
            // A pre-signed URL names when it expired; a signed header names its date against the allowed skew, as AWS words both.
            return (null, AccessDenial.Invalid(expiresSeconds is not null
                ? $"Signature expired: {Basic(latest)} is now earlier than {Basic(now)}"
                : $"Signature expired: {amzDate} is now earlier than {Basic(now - Skew)} ({Basic(now)} - 5 min.)"));
        }

        if (signedAt > now + Skew)
        {
            return (null, AccessDenial.Invalid($"Signature not yet current: {amzDate} is still later than {Basic(now + Skew)} ({Basic(now)} + 5 min.)"));
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host", StringComparer.Ordinal))
        {
            return (null, AccessDenial.Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
        }

        var headers = new List<KeyValuePair<string, string>>(names.Length);
        foreach (var name in names)
        {
            // A header the client signed but did not send counts as empty, so the signature simply does not match.
            headers.Add(KeyValuePair.Create(name, SigV4.CanonicalHeaderValue(request.Header(name) ?? "")));
        }

        string? payloadHash = null;
        if (contentSha256 is not null)
        {
            if (contentSha256 != SigV4.UnsignedPayload && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(contentSha256), Encoding.ASCII.GetBytes(BodyHash(request.Body))))
            {
                return (null, AccessDenial.Invalid("The provided 'x-amz-content-sha256' header does not match what was computed."));
            }

            payloadHash = contentSha256;
        }

        return (new ParsedSignature(scope[0], scope[1], scope[2], amzDate, headers, signature, expiresSeconds is not null, payloadHash), null);
    }

    private static Dictionary<string, string> QueryParameters(string rawQuery)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? part : part[..equals]);
            parameters.TryAdd(name, Uri.UnescapeDataString(equals < 0 ? "" : part[(equals + 1)..]));
        }

        return parameters;
    }

    /// <summary>An RFC 1123 <c>Date</c> header in the basic ISO-8601 form the signature uses.</summary>
    private static string? DateHeader(string? value) =>
        value is not null && DateTime.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var date) ? Basic(date) : null;

    private static string Basic(DateTime value) => value.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string BodyHash(ReadOnlyMemory<byte> body) => body.IsEmpty ? SigV4.EmptyPayloadHash : SigV4.Hex(SHA256.HashData(body.Span));

    private sealed record ParsedSignature(
        string AccessKeyId, string ScopeDate, string Region, string AmzDate, IReadOnlyList<KeyValuePair<string, string>> Headers, string Value, bool Presigned, string? PayloadHash);
}
