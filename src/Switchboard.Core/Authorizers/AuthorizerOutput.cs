using System.Text.Json;
using Switchboard.Access;

namespace Switchboard.Authorizers;

/// <summary>
/// Reads a REQUEST authorizer's answer as API Gateway does: <c>principalId</c>, a <c>policyDocument</c> whose
/// statements must allow <c>execute-api:Invoke</c> on the route's ARN (explicit Deny wins; no match denies: 403), and
/// an optional <c>context</c> of strings, numbers and booleans (objects and arrays are refused, as API Gateway refuses
/// them), passed on as strings. The answer <c>"Unauthorized"</c> (returned or thrown) is 401.
/// </summary>
internal static class AuthorizerOutput
{
    /// <summary>API Gateway's limit on an authorizer's answer.</summary>
    public const int MaxBytes = 8 * 1024;

    public static AuthorizerDecision Read(byte[] body, string methodArn)
    {
        if (body.Length > MaxBytes)
        {
            return AuthorizerDecision.Failed;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String && root.GetString() == "Unauthorized")
            {
                return AuthorizerDecision.Unauthorized;
            }

            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("principalId", out var principal) || principal.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("policyDocument", out var policy) || policy.ValueKind != JsonValueKind.Object)
            {
                return AuthorizerDecision.Failed;
            }

            AccessPolicy parsed;
            try
            {
                parsed = AccessPolicy.Parse(policy.GetRawText());
            }
            catch (FormatException)
            {
                return AuthorizerDecision.Failed;
            }

            if (!parsed.Allows(AccessPolicy.Invoke, methodArn))
            {
                return AuthorizerDecision.Forbidden;
            }

            var context = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("context", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var value in values.EnumerateObject())
                {
                    var text = value.Value.ValueKind switch
                    {
                        JsonValueKind.String => value.Value.GetString()!,
                        JsonValueKind.Number => value.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                    if (text is null)
                    {
                        return AuthorizerDecision.Failed;
                    }

                    context.Add(KeyValuePair.Create(value.Name, text));
                }
            }

            return AuthorizerDecision.Allow(new ConnectionIdentity(principal.GetString()!, context));
        }
        catch (JsonException)
        {
            return AuthorizerDecision.Failed;
        }
    }

    /// <summary>Whether a function error is the function saying <c>Unauthorized</c> (<c>callback("Unauthorized")</c> or a thrown Error with that message).</summary>
    public static bool IsUnauthorizedError(byte[]? errorBody)
    {
        if (errorBody is null || errorBody.Length > MaxBytes)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(errorBody);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorMessage", out var message)
                && message.ValueKind == JsonValueKind.String
                && string.Equals(message.GetString(), "Unauthorized", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
