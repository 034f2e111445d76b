using Switchboard.Groups;

namespace Switchboard.Tests.Groups;

public sealed class GroupNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("room1")]
    [InlineData("Room-1")]
    [InlineData("chat.room_1:v2-x")]
    [InlineData("_")]
    [InlineData(".")]
    [InlineData(":")]
    [InlineData("-")]
    [InlineData("..")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")]
    public void Valid_Names_AreAccepted(string name)
    {
        Assert.True(GroupNames.IsValid(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("room 1")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a%20b")]
    [InlineData("room+1")]
    [InlineData("a@b")]
    [InlineData("$request.body.room")]
    [InlineData("a\tb")]
    [InlineData("room\n")]
    [InlineData("caf\u00e9")]
    [InlineData("\u0661")]
    [InlineData("\uff21")]
    [InlineData("a\u0000")]
    [InlineData("\U0001F600")]
    public void Invalid_Names_AreRefused(string name)
    {
        Assert.False(GroupNames.IsValid(name));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(127, true)]
    [InlineData(128, true)]
    [InlineData(129, false)]
    [InlineData(1000, false)]
    public void Length_IsOneTo128(int length, bool valid)
    {
        Assert.Equal(valid, GroupNames.IsValid(new string('g', length)));
    }

    [Fact]
    public void Rule_NamesTheLimitsUsersSee()
    {
        Assert.Equal(128, GroupNames.MaxLength);
        Assert.Equal("1 to 128 characters of letters, digits, '_', '.', ':' and '-'", GroupNames.Rule);
    }
}
