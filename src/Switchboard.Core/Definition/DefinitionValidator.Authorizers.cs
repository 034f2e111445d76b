namespace Switchboard.Definition;

public static partial class DefinitionValidator
{
    private static readonly string[] AuthorizerTypes = ["apiKey", "jwt", "lambda", "http"];

    // Which settings each type takes; any other is a mistake worth naming (a jwt setting on a lambda authorizer does nothing).
    private static readonly Dictionary<string, string[]> AuthorizerSettings = new(StringComparer.Ordinal)
    {
        ["apiKey"] = ["header", "queryParameter"],
        ["jwt"] = ["header", "queryParameter", "issuer", "audiences", "secretEnv", "jwksFile", "jwksUrl"],
        ["lambda"] = ["endpoint", "function", "sign", "identitySource", "resultTtlSeconds", "timeoutMilliseconds"],
        ["http"] = ["uri", "identitySource", "resultTtlSeconds", "timeoutMilliseconds"],
    };

    private static void ValidateAuthorizer(AuthorizerDefinition authorizer, string path, DefinitionErrors errors)
    {
        var typePath = JsonPath.Property(path, "type");
        if (!AuthorizerSettings.TryGetValue(authorizer.Type, out var allowed))
        {
            errors.Add(typePath, $"unknown authorizer type '{authorizer.Type}'; expected {OneOf(AuthorizerTypes)}");
            return;
        }

        foreach (var (name, isSet) in SetAuthorizerSettings(authorizer))
        {
            if (isSet && !allowed.Contains(name, StringComparer.Ordinal))
            {
                errors.Add(JsonPath.Property(path, name), $"not a setting of a {authorizer.Type} authorizer; its settings are {string.Join(", ", allowed)}");
            }
        }

        switch (authorizer.Type)
        {
            case "jwt":
                ValidateJwtAuthorizer(authorizer, path, errors);
                break;
            case "lambda":
                RequireUrl(authorizer.Endpoint, JsonPath.Property(path, "endpoint"), "http://127.0.0.1:9001", errors);
                if (string.IsNullOrEmpty(authorizer.Function))
                {
                    errors.Add(JsonPath.Property(path, "function"), "a function is required: the name or ARN of the authorizer function");
                }

                ValidateRequestAuthorizer(authorizer, path, errors);
                break;
            case "http":
                RequireUrl(authorizer.Uri, JsonPath.Property(path, "uri"), "http://127.0.0.1:5000/authorize", errors);
                ValidateRequestAuthorizer(authorizer, path, errors);
                break;
        }
    }

    private static void ValidateJwtAuthorizer(AuthorizerDefinition authorizer, string path, DefinitionErrors errors)
    {
        if (string.IsNullOrEmpty(authorizer.Issuer))
        {
            errors.Add(JsonPath.Property(path, "issuer"), "an issuer is required: the iss every token must carry");
        }

        if (authorizer.Audiences is not { Count: > 0 } || authorizer.Audiences.Any(string.IsNullOrEmpty))
        {
            errors.Add(JsonPath.Property(path, "audiences"), "at least one audience is required: the aud a token must carry");
        }

        var keySources = new[] { authorizer.SecretEnv, authorizer.JwksFile, authorizer.JwksUrl }.Count(static s => !string.IsNullOrEmpty(s));
        if (keySources != 1)
        {
            errors.Add(path, "exactly one of secretEnv (HS256), jwksFile or jwksUrl (RS256/ES256) is required");
        }

        if (authorizer.JwksUrl is { Length: > 0 } url)
        {
            RequireUrl(url, JsonPath.Property(path, "jwksUrl"), "https://issuer.example.com/.well-known/jwks.json", errors);
        }
    }

    private static void ValidateRequestAuthorizer(AuthorizerDefinition authorizer, string path, DefinitionErrors errors)
    {
        var sources = authorizer.IdentitySource ?? [];
        for (var i = 0; i < sources.Count; i++)
        {
            if (!Authorizers.IdentitySources.TryParse(sources[i], out _))
            {
                errors.Add(
                    JsonPath.Index(JsonPath.Property(path, "identitySource"), i),
                    $"'{sources[i]}' is not an identity source; expected route.request.header.NAME or route.request.querystring.NAME");
            }
        }

        if (authorizer.ResultTtlSeconds is { } ttl and (< 0 or > 3600))
        {
            errors.Add(JsonPath.Property(path, "resultTtlSeconds"), $"{ttl} is out of range; expected 0 to 3600");
        }

        if (authorizer.TimeoutMilliseconds is { } timeout and (< 50 or > 29_000))
        {
            errors.Add(JsonPath.Property(path, "timeoutMilliseconds"), $"{timeout} is out of range; expected 50 to 29000");
        }
    }

    private static void RequireUrl(string? value, string path, string example, DefinitionErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(path, $"required; e.g. {example}");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add(path, $"'{value}' is not an http:// or https:// URL; e.g. {example}");
        }
    }

    private static IEnumerable<(string Name, bool IsSet)> SetAuthorizerSettings(AuthorizerDefinition a) =>
    [
        ("header", a.Header is not null), ("queryParameter", a.QueryParameter is not null), ("issuer", a.Issuer is not null),
        ("audiences", a.Audiences is not null), ("secretEnv", a.SecretEnv is not null), ("jwksFile", a.JwksFile is not null),
        ("jwksUrl", a.JwksUrl is not null), ("identitySource", a.IdentitySource is not null), ("resultTtlSeconds", a.ResultTtlSeconds is not null),
        ("endpoint", a.Endpoint is not null), ("function", a.Function is not null), ("sign", a.Sign is not null), ("uri", a.Uri is not null),
        ("timeoutMilliseconds", a.TimeoutMilliseconds is not null),
    ];
}
