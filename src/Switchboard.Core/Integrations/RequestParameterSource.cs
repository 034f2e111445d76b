using System.Diagnostics.CodeAnalysis;

namespace Switchboard.Integrations;

/// <summary>The kinds of request parameter mapping expression, as API Gateway names them.</summary>
internal enum RequestParameterKind
{
    /// <summary><c>$input.params('NAME')</c>: the path, then the query string, then the headers.</summary>
    InputParams,

    /// <summary><c>method.request.querystring.NAME</c>.</summary>
    QueryString,

    /// <summary><c>method.request.header.NAME</c>.</summary>
    Header,

    /// <summary><c>method.request.path.NAME</c>.</summary>
    Path,

    /// <summary><c>stageVariables.NAME</c>.</summary>
    StageVariable,

    /// <summary><c>'literal'</c>: a fixed value.</summary>
    Literal,
}

/// <summary>
/// One parsed request parameter mapping expression of a REST integration (API Gateway's
/// <c>requestParameters</c> values and the <c>$input.params('NAME')</c> of its mapping templates). Parsed once when the
/// definition loads; evaluated per request.
/// </summary>
internal sealed class RequestParameterSource
{
    private const string InputParamsPrefix = "$input.params(";
    private const string QueryStringPrefix = "method.request.querystring.";
    private const string HeaderPrefix = "method.request.header.";
    private const string PathPrefix = "method.request.path.";
    private const string StageVariablePrefix = "stageVariables.";

    private const string AcceptedForms =
        "expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, "
        + "method.request.path.NAME, stageVariables.NAME or a 'literal'";

    private static readonly (string Prefix, RequestParameterKind Kind)[] DottedForms =
    [
        (QueryStringPrefix, RequestParameterKind.QueryString),
        (HeaderPrefix, RequestParameterKind.Header),
        (PathPrefix, RequestParameterKind.Path),
        (StageVariablePrefix, RequestParameterKind.StageVariable),
    ];

    private RequestParameterSource(RequestParameterKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>Where the value comes from.</summary>
    public RequestParameterKind Kind { get; }

    /// <summary>The parameter, header or stage variable name; for <see cref="RequestParameterKind.Literal"/>, the value itself.</summary>
    public string Name { get; }

    /// <summary>
    /// Parses <paramref name="expression"/> (surrounding white space ignored; prefixes are case-sensitive, as in API
    /// Gateway). On failure <paramref name="error"/> quotes the expression and lists the accepted forms, ready to
    /// follow a definition path such as <c>requestParameters.progId: </c>.
    /// </summary>
    public static bool TryParse(
        string expression,
        [NotNullWhen(true)] out RequestParameterSource? source,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        source = null;
        var text = expression.AsSpan().Trim();

        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            source = new RequestParameterSource(RequestParameterKind.Literal, text[1..^1].ToString());
            error = null;
            return true;
        }

        if (text.StartsWith(InputParamsPrefix, StringComparison.Ordinal))
        {
            return TryParseInputParams(expression, text, out source, out error);
        }

        foreach (var (prefix, kind) in DottedForms)
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = text[prefix.Length..];
            if (!IsValidName(name))
            {
                error = $"'{expression}' does not name a parameter; expected {prefix}NAME, where NAME is not empty and has no white space or quotes";
                return false;
            }

            source = new RequestParameterSource(kind, name.ToString());
            error = null;
            return true;
        }

        error = $"'{expression}' is not a request parameter expression; {AcceptedForms}";
        return false;
    }

    /// <summary>
    /// The value for <paramref name="request"/>: <c>$input.params</c> takes the first of path, query string and header
    /// that the request has, as API Gateway does. A value the request does not have is an empty string, which is what
    /// API Gateway's templates see too.
    /// </summary>
    public string Evaluate(IRequestParameterValues request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = Kind switch
        {
            RequestParameterKind.InputParams => request.Path(Name) ?? request.Query(Name) ?? request.Header(Name),
            RequestParameterKind.QueryString => request.Query(Name),
            RequestParameterKind.Header => request.Header(Name),
            RequestParameterKind.Path => request.Path(Name),
            RequestParameterKind.StageVariable => request.StageVariable(Name),
            RequestParameterKind.Literal => Name,
            _ => throw new InvalidOperationException($"Unknown request parameter kind {Kind}."),
        };
        return value ?? "";
    }

    /// <summary>The expression in its canonical form, e.g. <c>$input.params('progId')</c>.</summary>
    public override string ToString() => Kind switch
    {
        RequestParameterKind.InputParams => $"{InputParamsPrefix}'{Name}')",
        RequestParameterKind.QueryString => QueryStringPrefix + Name,
        RequestParameterKind.Header => HeaderPrefix + Name,
        RequestParameterKind.Path => PathPrefix + Name,
        RequestParameterKind.StageVariable => StageVariablePrefix + Name,
        _ => $"'{Name}'",
    };

    private static bool TryParseInputParams(
        string expression,
        ReadOnlySpan<char> text,
        [NotNullWhen(true)] out RequestParameterSource? source,
        [NotNullWhen(false)] out string? error)
    {
        source = null;
        if (text[^1] != ')')
        {
            error = $"'{expression}' must end with ')'; expected $input.params('NAME')";
            return false;
        }

        // VTL takes either quote and allows spaces inside the parentheses: $input.params( "progId" ).
        var argument = text[InputParamsPrefix.Length..^1].Trim();
        if (argument.Length < 2 || argument[0] is not ('\'' or '"') || argument[^1] != argument[0])
        {
            error = $"'{expression}' needs a quoted parameter name; expected $input.params('NAME')";
            return false;
        }

        var name = argument[1..^1];
        if (!IsValidName(name))
        {
            error = $"'{expression}' does not name a parameter; expected $input.params('NAME'), where NAME is not empty and has no white space or quotes";
            return false;
        }

        source = new RequestParameterSource(RequestParameterKind.InputParams, name.ToString());
        error = null;
        return true;
    }

    private static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"')
            {
                return false;
            }
        }

        return true;
    }
}
