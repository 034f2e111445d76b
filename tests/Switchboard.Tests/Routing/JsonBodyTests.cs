using System.Text;
using System.Text.Json;
using Switchboard.Routing;

namespace Switchboard.Tests.Routing;

/// <summary>Reading values out of a message for integrations: strings unescaped, everything else as received.</summary>
public sealed class JsonBodyTests
{
    private static JsonBodyPath Path(string text)
    {
        Assert.True(JsonBodyPath.TryParse(text, out var path, out var error), error);
        return path;
    }

    private static string? Find(string message, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var lookup = JsonBody.Find(bytes, Path(path));
        return lookup.Found ? Encoding.UTF8.GetString(lookup.Value(bytes)) : null;
    }

    [Theory]
    [InlineData("{\"message\":\"Hello\"}", "Hello")]
    [InlineData("{\"message\":\"a\\\"b\\u00e9\\n\"}", "a\"b\u00e9\n")]
    [InlineData("{\"message\":{\"nested\": [1, 2]}}", "{\"nested\": [1, 2]}")]
    [InlineData("{\"message\":[1,\"x\"]}", "[1,\"x\"]")]
    [InlineData("{\"message\":1.50e3}", "1.50e3")]
    [InlineData("{\"message\":null}", "null")]
    [InlineData("{\"message\":false}", "false")]
    [InlineData("{\"message\":\"\"}", "")]
    public void Values_ComeBackAsTheyWereSent(string message, string expected) =>
        Assert.Equal(expected, Find(message, "$request.body.message"));

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"other\":\"x\"}")]
    [InlineData("{\"nested\":{\"message\":\"x\"}}")]
    [InlineData("[]")]
    public void MissingValues_AreNotFound(string message) => Assert.Null(Find(message, "$request.body.message"));

    [Fact]
    public void InvalidJson_IsReportedAsNotJson() =>
        Assert.Equal(JsonLookupStatus.NotJson, JsonBody.Find("{\"message\":}"u8, Path("$request.body.message")).Status);

    [Fact]
    public void Kinds_AreReported()
    {
        Assert.Equal(JsonTokenType.String, JsonBody.Find("{\"k\":\"1234\"}"u8, Path("$request.body.k")).Kind);
        Assert.Equal(JsonTokenType.Number, JsonBody.Find("{\"k\":1234}"u8, Path("$request.body.k")).Kind);
        Assert.Equal(JsonTokenType.StartObject, JsonBody.Find("{\"k\":{}}"u8, Path("$request.body.k")).Kind);
    }

    [Fact]
    public void NestedPaths_Work() => Assert.Equal("v", Find("{\"a\":{\"b\":{\"c\":\"v\"}}}", "$request.body.a.b.c"));

    [Theory]
    [InlineData("request.body.a")]
    [InlineData("$request.body")]
    [InlineData("$request.body.")]
    [InlineData("$request.body.a.")]
    public void MalformedPaths_AreRejected(string text) => Assert.False(JsonBodyPath.TryParse(text, out _, out _));
}
