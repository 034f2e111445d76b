using Switchboard.Integrations;

namespace Switchboard.Tests.Integrations;

public sealed class RequestParameterSourceTests
{
    private static readonly FakeRequest Request = new()
    {
        PathValues = { ["progId"] = "path-7", ["id"] = "42" },
        QueryValues = { ["progId"] = "query-7", ["domain"] = "example.com", ["only"] = "query-only", ["empty"] = "" },
        HeaderValues = { ["x-api-key"] = "KEY", ["progId"] = "header-7", ["X-Only"] = "header-only", ["only"] = "header-too" },
        StageVariableValues = { ["target"] = "dev" },
    };

    [Theory]
    [InlineData("$input.params('progId')", "InputParams", "progId")]
    [InlineData("$input.params(\"progId\")", "InputParams", "progId")]
    [InlineData("$input.params( 'progId' )", "InputParams", "progId")]
    [InlineData("method.request.querystring.domain", "QueryString", "domain")]
    [InlineData("method.request.header.x-api-key", "Header", "x-api-key")]
    [InlineData("method.request.path.id", "Path", "id")]
    [InlineData("stageVariables.target", "StageVariable", "target")]
    [InlineData("'fixed value'", "Literal", "fixed value")]
    [InlineData("''", "Literal", "")]
    [InlineData("  method.request.querystring.domain\n", "QueryString", "domain")]
    public void TryParse_AcceptedForm(string expression, string kind, string name)
    {
        Assert.True(RequestParameterSource.TryParse(expression, out var source, out var error));
        Assert.Null(error);
        // The kind is passed by name: xunit wants public test methods, and the enum is internal.
        Assert.Equal(Enum.Parse<RequestParameterKind>(kind), source.Kind);
        Assert.Equal(name, source.Name);
    }

    [Theory]
    [InlineData("$input.params('progId')", "path-7")]
    [InlineData("$input.params('only')", "query-only")]
    [InlineData("$input.params('X-Only')", "header-only")]
    [InlineData("$input.params('x-only')", "header-only")]
    [InlineData("$input.params('empty')", "")]
    [InlineData("$input.params('missing')", "")]
    [InlineData("method.request.querystring.progId", "query-7")]
    [InlineData("method.request.querystring.domain", "example.com")]
    [InlineData("method.request.querystring.missing", "")]
    [InlineData("method.request.header.progId", "header-7")]
    [InlineData("method.request.header.X-API-KEY", "KEY")]
    [InlineData("method.request.header.missing", "")]
    [InlineData("method.request.path.id", "42")]
    [InlineData("method.request.path.missing", "")]
    [InlineData("stageVariables.target", "dev")]
    [InlineData("stageVariables.missing", "")]
    [InlineData("'fixed value'", "fixed value")]
    [InlineData("'it''s'", "it''s")]
    public void Evaluate_ReadsTheRequest(string expression, string expected)
    {
        Assert.True(RequestParameterSource.TryParse(expression, out var source, out var error), error);
        Assert.Equal(expected, source.Evaluate(Request));
    }

    [Fact]
    public void InputParams_SearchesPathThenQueryThenHeader()
    {
        Assert.True(RequestParameterSource.TryParse("$input.params('n')", out var source, out _));
        var request = new FakeRequest
        {
            PathValues = { ["n"] = "path" },
            QueryValues = { ["n"] = "query" },
            HeaderValues = { ["n"] = "header" },
        };

        Assert.Equal("path", source.Evaluate(request));
        request.PathValues.Clear();
        Assert.Equal("query", source.Evaluate(request));
        request.QueryValues.Clear();
        Assert.Equal("header", source.Evaluate(request));
        request.HeaderValues.Clear();
        Assert.Equal("", source.Evaluate(request));
    }

    [Fact]
    public void InputParams_NeverReadsStageVariables()
    {
        Assert.True(RequestParameterSource.TryParse("$input.params('target')", out var source, out _));
        Assert.Equal("", source.Evaluate(Request));
    }

    [Theory]
    [InlineData(
        "$input.params(progId)",
        "'$input.params(progId)' needs a quoted parameter name; expected $input.params('NAME')")]
    [InlineData(
        "$input.params('progId\")",
        "'$input.params('progId\")' needs a quoted parameter name; expected $input.params('NAME')")]
    [InlineData(
        "$input.params()",
        "'$input.params()' needs a quoted parameter name; expected $input.params('NAME')")]
    [InlineData(
        "$input.params('progId'",
        "'$input.params('progId'' must end with ')'; expected $input.params('NAME')")]
    [InlineData(
        "$input.params('')",
        "'$input.params('')' does not name a parameter; expected $input.params('NAME'), where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "$input.params('a b')",
        "'$input.params('a b')' does not name a parameter; expected $input.params('NAME'), where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "method.request.querystring.",
        "'method.request.querystring.' does not name a parameter; expected method.request.querystring.NAME, where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "method.request.header.",
        "'method.request.header.' does not name a parameter; expected method.request.header.NAME, where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "method.request.path.",
        "'method.request.path.' does not name a parameter; expected method.request.path.NAME, where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "stageVariables.",
        "'stageVariables.' does not name a parameter; expected stageVariables.NAME, where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "method.request.querystring.a b",
        "'method.request.querystring.a b' does not name a parameter; expected method.request.querystring.NAME, where NAME is not empty and has no white space or quotes")]
    [InlineData(
        "method.request.body.progId",
        "'method.request.body.progId' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(
        "Method.Request.QueryString.progId",
        "'Method.Request.QueryString.progId' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(
        "$stageVariables.target",
        "'$stageVariables.target' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(
        "progId",
        "'progId' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(
        "'unclosed",
        "''unclosed' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(
        "",
        "'' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    public void TryParse_Malformed_SaysWhatIsAccepted(string expression, string expected)
    {
        Assert.False(RequestParameterSource.TryParse(expression, out var source, out var error));
        Assert.Null(source);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("$input.params( \"progId\" )", "$input.params('progId')")]
    [InlineData("method.request.header.x-api-key", "method.request.header.x-api-key")]
    [InlineData(" 'v' ", "'v'")]
    public void ToString_IsCanonical(string expression, string expected)
    {
        Assert.True(RequestParameterSource.TryParse(expression, out var source, out _));
        Assert.Equal(expected, source.ToString());
    }

    private sealed class FakeRequest : IRequestParameterValues
    {
        public Dictionary<string, string> PathValues { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> QueryValues { get; } = new(StringComparer.Ordinal);

        // Headers are case-insensitive, as IRequestParameterValues requires of every adapter.
        public Dictionary<string, string> HeaderValues { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string> StageVariableValues { get; } = new(StringComparer.Ordinal);

        public string? Path(string name) => PathValues.GetValueOrDefault(name);

        public string? Query(string name) => QueryValues.GetValueOrDefault(name);

        public string? Header(string name) => HeaderValues.GetValueOrDefault(name);

        public string? StageVariable(string name) => StageVariableValues.GetValueOrDefault(name);
    }
}
