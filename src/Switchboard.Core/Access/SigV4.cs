using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Access;

/// <summary>
/// The pieces of AWS Signature Version 4 that signing and verifying share: the encoding of the canonical request and
/// the signature over it. Canonical rules as AWS documents them for every service but S3: each path segment of the
/// path as sent is URI-encoded (so a path the client sent encoded is encoded twice), query parameters are decoded,
/// re-encoded and sorted, header names are lower case with values trimmed and inner spaces collapsed.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>SHA-256 of nothing, the payload hash of a request without a body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The signature of a canonical request: returns the string to sign too, for error messages.</summary>
    public static (string Signature, string StringToSign) Sign(string secretAccessKey, string amzDate, string scopeDate, string region, string service, string canonicalRequest)
    {
        var scope = $"{scopeDate}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), scopeDate);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return (Hex(Hmac(key, stringToSign)), stringToSign);
    }

    /// <summary>The canonical request: method, path, query, the signed headers with their values, their names, the payload hash.</summary>
    public static string CanonicalRequest(string method, string canonicalPath, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> signedHeaders, string payloadHash)
    {
        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(canonicalPath).Append('\n').Append(canonicalQuery).Append('\n');
        var names = new StringBuilder();
        foreach (var (name, value) in signedHeaders)
        {
            text.Append(name).Append(':').Append(value).Append('\n');
            names.Append(names.Length == 0 ? "" : ";").Append(name);
        }

        return text.Append('\n').Append(names).Append('\n').Append(payloadHash).ToString();
    }

    /// <summary>
    /// The canonical path of <paramref name="rawPath"/> as the client sent it (before any decoding): each segment
    /// URI-encoded once more. The AWS SDK for .NET sends <c>/dev/%40connections/x</c> (canonical
    /// <c>/dev/%2540connections/x</c>), aws-sdk for JavaScript sends <c>/dev/@connections/x</c> (canonical
    /// <c>/dev/%40connections/x</c>); both sign what they send, so only the raw path gives both the same answer.
    /// </summary>
    public static string CanonicalPath(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var text = new StringBuilder(rawPath.Length + 16);
        var segments = rawPath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                text.Append('/');
            }

            UriEncode(segments[i], text);
        }

        return text.ToString();
    }

    /// <summary>
    /// The canonical query of a raw query string (without <c>?</c>): parameters decoded, re-encoded, sorted by name
    /// then value; <paramref name="skip"/> (the pre-signed <c>X-Amz-Signature</c>) left out.
    /// </summary>
    public static string CanonicalQuery(string rawQuery, string? skip = null)
    {
        if (rawQuery.Length == 0)
        {
            return "";
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? part : part[..equals]);
            if (skip is not null && string.Equals(name, skip, StringComparison.Ordinal))
            {
                continue;
            }

            pairs.Add((Encode(name), Encode(equals < 0 ? "" : Decode(part[(equals + 1)..]))));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(static p => $"{p.Name}={p.Value}"));
    }

    /// <summary>A header value as canonical: trimmed, runs of spaces inside collapsed to one.</summary>
    public static string CanonicalHeaderValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var text = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (c != ' ' || text.Length == 0 || text[^1] != ' ')
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string Encode(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        UriEncode(value, text);
        return text.ToString();
    }

    /// <summary>URI-encodes every byte but the unreserved characters (A-Z a-z 0-9 - . _ ~), in upper-case hex.</summary>
    private static void UriEncode(string value, StringBuilder text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(((int)b).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    // '+' stays '+': SigV4 clients encode spaces as %20, and a literal '+' they send encoded.
    private static string Decode(string value) => Uri.UnescapeDataString(value);

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
