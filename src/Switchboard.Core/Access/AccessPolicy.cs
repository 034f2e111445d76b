using System.Text.Json;

namespace Switchboard.Access;

/// <summary>
/// An IAM-shaped policy document, evaluated as IAM evaluates one: a request is allowed when some statement allows it
/// and none denies it (an explicit Deny wins; no match is a deny). Statements name actions (<c>execute-api:ManageConnections</c>,
/// <c>execute-api:Invoke</c>, wildcards, matched case-insensitively) and resources (ARNs of the form
/// <c>arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/@connections/ID</c>, wildcards, matched exactly), with
/// <c>*</c> matching any run of characters and <c>?</c> one. Keys IAM has but this gateway cannot honour
/// (<c>Condition</c>, <c>NotAction</c>, <c>Principal</c> ...) are refused rather than ignored, since ignoring one
/// would grant more than its author meant.
/// </summary>
public sealed class AccessPolicy
{
    /// <summary>The account id in the ARNs this gateway evaluates (it has no AWS account).</summary>
    public const string AccountId = "000000000000";

    public const string ManageConnections = "execute-api:ManageConnections";
    public const string Invoke = "execute-api:Invoke";

    private readonly IReadOnlyList<Statement> _statements;

    private AccessPolicy(string json, IReadOnlyList<Statement> statements)
    {
        Json = json;
        _statements = statements;
    }

    /// <summary>Every management action on every API and stage: the policy of environment credentials and the CLI's default.</summary>
    public static AccessPolicy FullAccess { get; } = Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"arn:aws:execute-api:*"}]}""");

    /// <summary>The document as given (stored with the credential).</summary>
    public string Json { get; }

    /// <summary>The ARN of a management request, as API Gateway forms it.</summary>
    public static string ResourceArn(string region, string apiId, string stage, string method, string resourcePath) =>
        $"arn:aws:execute-api:{region}:{AccountId}:{apiId}/{stage}/{method}/{resourcePath.TrimStart('/')}";

    /// <summary>
    /// Allows <c>execute-api:ManageConnections</c> on the given resource patterns (<c>dev/POST/@connections/*</c>), the
    /// CLI's <c>--allow</c>. The API id is matched by ten <c>?</c> (an id is ten characters), not <c>*</c>: IAM's
    /// <c>*</c> spans slashes, so <c>*/dev/*</c> would also match <c>.../test/PUT/@groups/dev/ID</c>.
    /// </summary>
    public static AccessPolicy AllowManageConnections(IEnumerable<string> resourcePatterns)
    {
        var resources = resourcePatterns.Select(static p => p.StartsWith("arn:", StringComparison.Ordinal) ? p : $"arn:aws:execute-api:*:*:??????????/{p.TrimStart('/')}").ToList();
        return Parse(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new[] { new Dictionary<string, object> { ["Effect"] = "Allow", ["Action"] = ManageConnections, ["Resource"] = resources } },
        }));
    }

    /// <summary>Parses a policy document; throws <see cref="FormatException"/> saying what is wrong and where.</summary>
    public static AccessPolicy Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the policy is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the policy must be a JSON object with \"Statement\"");
            }

            var statements = new List<Statement>();
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version" or "Id":
                        break;
                    case "Statement" when property.Value.ValueKind == JsonValueKind.Array:
                        var index = 0;
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            statements.Add(ParseStatement(item, $"Statement[{index++}]"));
                        }

                        break;
                    case "Statement" when property.Value.ValueKind == JsonValueKind.Object:
                        statements.Add(ParseStatement(property.Value, "Statement"));
                        break;
                    default:
                        throw new FormatException($"the policy has an unsupported key '{property.Name}'; expected Version and Statement");
                }
            }

            if (statements.Count == 0)
            {
                throw new FormatException("the policy has no Statement");
            }

            return new AccessPolicy(json, statements);
        }
    }

    /// <summary>Whether <paramref name="action"/> on <paramref name="resource"/> is allowed: some Allow matches and no Deny does.</summary>
    public bool Allows(string action, string resource)
    {
        var allowed = false;
        foreach (var statement in _statements)
        {
            if (!statement.Matches(action, resource))
            {
                continue;
            }

            if (!statement.Allow)
            {
                return false;
            }

            allowed = true;
        }

        return allowed;
    }

    public override string ToString() => Json;

    private static Statement ParseStatement(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path} must be an object");
        }

        bool? allow = null;
        IReadOnlyList<string>? actions = null;
        IReadOnlyList<string>? resources = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid":
                    break;
                case "Effect":
                    allow = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() switch
                    {
                        "Allow" => true,
                        "Deny" => false,
                        _ => throw new FormatException($"{path}.Effect must be \"Allow\" or \"Deny\""),
                    } : throw new FormatException($"{path}.Effect must be \"Allow\" or \"Deny\"");
                    break;
                case "Action":
                    actions = Strings(property.Value, $"{path}.Action");
                    foreach (var action in actions)
                    {
                        if (action != "*" && !action.StartsWith("execute-api:", StringComparison.OrdinalIgnoreCase))
                        {
                            throw new FormatException($"{path}.Action '{action}' is not an execute-api action; expected {ManageConnections}, {Invoke}, execute-api:* or *");
                        }
                    }

                    break;
                case "Resource":
                    resources = Strings(property.Value, $"{path}.Resource");
                    foreach (var resource in resources)
                    {
                        if (resource != "*" && !resource.StartsWith("arn:", StringComparison.Ordinal))
                        {
                            throw new FormatException($"{path}.Resource '{resource}' is not an ARN; expected e.g. arn:aws:execute-api:*:*:*/dev/POST/@connections/*");
                        }
                    }

                    break;
                default:
                    throw new FormatException($"{path} has '{property.Name}', which this gateway does not support; expected Sid, Effect, Action and Resource");
            }
        }

        return new Statement(
            allow ?? throw new FormatException($"{path} has no Effect"),
            actions ?? throw new FormatException($"{path} has no Action"),
            resources ?? throw new FormatException($"{path} has no Resource"));
    }

    private static IReadOnlyList<string> Strings(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(static v => v.ValueKind == JsonValueKind.String))
        {
            return [.. value.EnumerateArray().Select(static v => v.GetString()!)];
        }

        throw new FormatException($"{path} must be a string or a non-empty array of strings");
    }

    private sealed record Statement(bool Allow, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources)
    {
        public bool Matches(string action, string resource) =>
            Actions.Any(a => Wildcard.Matches(a, action, ignoreCase: true)) && Resources.Any(r => Wildcard.Matches(r, resource, ignoreCase: false));
    }
}
