using System.Text.Json;

namespace Switchboard.Authorizers;

/// <summary>
/// The claims of a token whose signature and issuer have been verified, and the checks API Gateway's JWT authorizer
/// makes on them: <c>exp</c> after now, <c>nbf</c> and <c>iat</c> before now (each with <see cref="ClockSkew"/>), and
/// <c>aud</c> among the accepted audiences, or <c>client_id</c> when there is no <c>aud</c> (Cognito access tokens carry
/// only <c>client_id</c>). A token without <c>exp</c> is refused: it would never expire.
/// </summary>
internal sealed record JwtClaims(
    string Subject,
    double? Expires,
    double? NotBefore,
    double? IssuedAt,
    IReadOnlyList<string>? Audiences,
    string? ClientId,
    IReadOnlyList<KeyValuePair<string, string>> Context)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>How many claims become the connection's context: a token's size is bounded by the handshake's, but every connection keeps these.</summary>
    public const int MaxContextValues = 50;

    /// <summary>Reads a payload (JSON) or returns null when it is not an object or a time claim is not a number.</summary>
    public static JwtClaims? Read(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            double? expires = null, notBefore = null, issuedAt = null;
            string subject = "";
            string? clientId = null;
            IReadOnlyList<string>? audiences = null;
            var context = new List<KeyValuePair<string, string>>();
            foreach (var claim in root.EnumerateObject())
            {
                var value = claim.Value;
                switch (claim.Name)
                {
                    case "exp":
                        if (!TryNumericDate(value, out expires))
                        {
                            return null;
                        }

                        break;
                    case "nbf":
                        if (!TryNumericDate(value, out notBefore))
                        {
                            return null;
                        }

                        break;
                    case "iat":
                        if (!TryNumericDate(value, out issuedAt))
                        {
                            return null;
                        }

                        break;
                    case "sub" when value.ValueKind == JsonValueKind.String:
                        subject = value.GetString()!;
                        break;
                    case "client_id" when value.ValueKind == JsonValueKind.String:
                        clientId = value.GetString();
                        break;
                    case "aud":
                        audiences = value.ValueKind switch
                        {
                            JsonValueKind.String => [value.GetString()!],
                            JsonValueKind.Array => [.. value.EnumerateArray().Where(static a => a.ValueKind == JsonValueKind.String).Select(static a => a.GetString()!)],
                            _ => [],
                        };
                        break;
                }

                if (context.Count < MaxContextValues && Scalar(value) is { } text)
                {
                    context.Add(KeyValuePair.Create(claim.Name, text));
                }
            }

            return new JwtClaims(subject, expires, notBefore, issuedAt, audiences, clientId, context);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the token is within its lifetime at <paramref name="now"/>, give or take <see cref="ClockSkew"/>.</summary>
    public bool IsCurrent(DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeMilliseconds() / 1000.0;
        var skew = ClockSkew.TotalSeconds;
        return Expires is { } exp && seconds < exp + skew
            && (NotBefore is not { } nbf || nbf <= seconds + skew)
            && (IssuedAt is not { } iat || iat <= seconds + skew);
    }

    /// <summary>Whether <c>aud</c> (or, without one, <c>client_id</c>) is one of <paramref name="accepted"/>.</summary>
    public bool IsFor(IReadOnlyList<string> accepted) => Audiences is not null
        ? Audiences.Any(a => accepted.Contains(a, StringComparer.Ordinal))
        : ClientId is not null && accepted.Contains(ClientId, StringComparer.Ordinal);

    // RFC 7519 section 2: a NumericDate is a JSON number of seconds, possibly with a fraction.
    private static bool TryNumericDate(JsonElement value, out double? date)
    {
        date = value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) ? seconds : null;
        return date is not null;
    }

    // As a REQUEST authorizer's context: strings, numbers and booleans, passed on as strings; objects and arrays are left out.
    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
