using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

public sealed class JsonPathTests
{
    [Theory]
    [InlineData("onMessage", "$.routes.onMessage")]
    [InlineData("_x1", "$.routes._x1")]
    [InlineData("$connect", "$.routes['$connect']")]
    [InlineData("/receiver", "$.routes['/receiver']")]
    [InlineData("1st", "$.routes['1st']")]
    [InlineData("", "$.routes['']")]
    [InlineData("it's", "$.routes['it\\'s']")]
    [InlineData("a\\b", "$.routes['a\\\\b']")]
    public void Property_BracketQuotesNamesThatAreNotIdentifiers(string name, string expected)
    {
        Assert.Equal(expected, JsonPath.Property("$.routes", name));
    }

    [Theory]
    [InlineData("$.a.b", "$.a", true)]
    [InlineData("$.a[0]", "$.a", true)]
    [InlineData("$.a", "$.a", true)]
    [InlineData("$.ab", "$.a", false)]
    [InlineData("$.a", "$.a.b", false)]
    public void IsWithin_MatchesThePathAndItsDescendantsOnly(string path, string ancestor, bool expected)
    {
        Assert.Equal(expected, JsonPath.IsWithin(path, ancestor));
    }
}
