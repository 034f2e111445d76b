using Switchboard.Access;

// Not "Switchboard.Tests.Access": see SigV4VerifierTests.
namespace Switchboard.Tests.AccessControl;

/// <summary><see cref="AccessPolicy"/>: IAM-shaped documents, what is refused on parsing, and how they are evaluated; <see cref="Wildcard"/>.</summary>
public sealed class AccessPolicyTests
{
    private const string Manage = "execute-api:ManageConnections";
    private const string PostArn = "arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/POST/@connections/aB3-_xY9zQ1-_k0P";
    private const string DeleteArn = "arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/DELETE/@connections/aB3-_xY9zQ1-_k0P";

    // ---- Parsing ----

    [Theory]
    [InlineData("not json", "the policy is not valid JSON")]
    [InlineData("", "the policy is not valid JSON")]
    [InlineData("[]", "the policy must be a JSON object with \"Statement\"")]
    [InlineData("\"Statement\"", "the policy must be a JSON object with \"Statement\"")]
    [InlineData("{}", "the policy has no Statement")]
    [InlineData("{\"Version\":\"2012-10-17\"}", "the policy has no Statement")]
    [InlineData("{\"Statement\":[]}", "the policy has no Statement")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}],\"Extra\":1}", "the policy has an unsupported key 'Extra'")]
    [InlineData("{\"Statement\":[42]}", "Statement[0] must be an object")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "Statement[0].Effect must be \"Allow\" or \"Deny\"")]
    [InlineData("{\"Statement\":[{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "Statement[0].Effect must be \"Allow\" or \"Deny\"")]
    [InlineData("{\"Statement\":[{\"Effect\":true,\"Action\":\"*\",\"Resource\":\"*\"}]}", "Statement[0].Effect must be \"Allow\" or \"Deny\"")]
    [InlineData("{\"Statement\":{\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}}", "Statement.Effect must be \"Allow\" or \"Deny\"")]
    [InlineData("{\"Statement\":[{\"Action\":\"*\",\"Resource\":\"*\"}]}", "Statement[0] has no Effect")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}", "Statement[0] has no Action")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}", "Statement[0] has no Resource")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}", "Statement[0].Action must be a string or a non-empty array of strings")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"*\",1],\"Resource\":\"*\"}]}", "Statement[0].Action must be a string or a non-empty array of strings")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":{}}]}", "Statement[0].Resource must be a string or a non-empty array of strings")]
    [InlineData(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}",
        "Statement[0] has 'Condition', which this gateway does not support; expected Sid, Effect, Action and Resource")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"execute-api:Invoke\",\"Resource\":\"*\"}]}", "Statement[0] has 'NotAction', which this gateway does not support")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotResource\":\"*\"}]}", "Statement[0] has 'NotResource', which this gateway does not support")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "Statement[0] has 'Principal', which this gateway does not support")]
    [InlineData(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{}}]}",
        "Statement[1] has 'Condition'")]
    [InlineData(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
        "Statement[0].Action 's3:GetObject' is not an execute-api action; expected execute-api:ManageConnections, execute-api:Invoke, execute-api:* or *")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"execute-api:Invoke\",\"iam:*\"],\"Resource\":\"*\"}]}", "Statement[0].Action 'iam:*' is not an execute-api action")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"execute-api\",\"Resource\":\"*\"}]}", "Statement[0].Action 'execute-api' is not an execute-api action")]
    [InlineData(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"dev/POST/@connections/*\"}]}",
        "Statement[0].Resource 'dev/POST/@connections/*' is not an ARN; expected e.g. arn:aws:execute-api:*:*:*/dev/POST/@connections/*")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"ARN:aws:execute-api:*\"}]}", "Statement[0].Resource 'ARN:aws:execute-api:*' is not an ARN")]
    public void Parse_RefusesABadDocument_SayingWhatAndWhere(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AccessPolicy.Parse(json));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Statement\":\"Allow\"}")]
    [InlineData("{\"Statement\":42}")]
    [InlineData("{\"Statement\":null}")]
    public void Parse_RefusesAStatementThatIsNeitherAnArrayNorAnObject(string json)
    {
        var error = Assert.Throws<FormatException>(() => AccessPolicy.Parse(json));

        Assert.Contains("Statement", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepsTheDocumentAsGiven()
    {
        const string json = "{ \"Version\": \"2012-10-17\", \"Id\": \"p1\", \"Statement\": [ { \"Sid\": \"one\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\" } ] }";

        var policy = AccessPolicy.Parse(json);

        Assert.Equal(json, policy.Json);
        Assert.Equal(json, policy.ToString());
    }

    // ---- Evaluation ----

    [Fact]
    public void MatchingAllow_Allows()
    {
        var policy = Policy(Statement("Allow", Manage, PostArn));

        Assert.True(policy.Allows(Manage, PostArn));
    }

    [Fact]
    public void NoMatchingStatement_Denies()
    {
        var policy = Policy(Statement("Allow", Manage, PostArn));

        Assert.False(policy.Allows(Manage, DeleteArn));
        Assert.False(policy.Allows("execute-api:Invoke", PostArn));
        Assert.False(policy.Allows(Manage, PostArn + "x"));
        Assert.False(policy.Allows(Manage, PostArn[..^1]));
    }

    [Fact]
    public void OnlyADeny_Denies()
    {
        var policy = Policy(Statement("Deny", Manage, "arn:aws:execute-api:*:*:*/prod/*"));

        Assert.False(policy.Allows(Manage, PostArn));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExplicitDeny_BeatsAnAllow_WhicheverComesFirst(bool denyFirst)
    {
        var allow = Statement("Allow", "execute-api:*", "arn:aws:execute-api:*");
        var deny = Statement("Deny", Manage, "arn:aws:execute-api:*:*:*/dev/DELETE/*");
        var policy = denyFirst ? Policy(deny, allow) : Policy(allow, deny);

        Assert.False(policy.Allows(Manage, DeleteArn));
        Assert.True(policy.Allows(Manage, PostArn));
    }

    [Theory]
    [InlineData("execute-api:ManageConnections")]
    [InlineData("EXECUTE-API:MANAGECONNECTIONS")]
    [InlineData("execute-api:manageconnections")]
    [InlineData("Execute-Api:Manage*")]
    public void Action_IsMatchedIgnoringCase(string action)
    {
        var policy = Policy(Statement("Allow", action, PostArn));

        Assert.True(policy.Allows(Manage, PostArn));
    }

    [Theory]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/DEV/POST/@connections/*")]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/post/@connections/*")]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:ABCDEF1234/dev/POST/@connections/*")]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/POST/@Connections/*")]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/POST/@connections/ab3-_xy9zq1-_k0p")]
    public void Resource_IsMatchedCaseSensitively(string resource)
    {
        var policy = Policy(Statement("Allow", Manage, resource));

        Assert.False(policy.Allows(Manage, PostArn));
    }

    [Theory]
    [InlineData("arn:aws:execute-api:*")]
    [InlineData("arn:*")]
    [InlineData("*")]
    [InlineData("arn:aws:execute-api:*/@connections/*")]
    [InlineData("arn:aws:execute-api:*:*:*/dev/POST/*")]
    [InlineData("arn:aws:execute-api:*:000000000000:abcdef1234/dev/*")]
    [InlineData("arn:aws:*/dev/POST/@connections/aB3-_xY9zQ1-_k0P")]
    public void Star_SpansSlashesAndColons(string resource)
    {
        var policy = Policy(Statement("Allow", Manage, resource));

        Assert.True(policy.Allows(Manage, PostArn));
    }

    [Theory]
    [InlineData("arn:aws:execute-api:us-east-?:000000000000:abcdef1234/dev/POST/@connections/*", true)]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/???/POST/@connections/*", true)]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/de?/POST/@connections/aB3-_xY9zQ1-_k0?", true)]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev??/POST/@connections/*", false)]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/d?/POST/@connections/*", false)]
    [InlineData("arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/POST/@connections/aB3-_xY9zQ1-_k0P?", false)]
    public void QuestionMark_MatchesExactlyOneCharacter(string resource, bool allowed)
    {
        var policy = Policy(Statement("Allow", Manage, resource));

        Assert.Equal(allowed, policy.Allows(Manage, PostArn));
    }

    [Fact]
    public void StatementAsASingleObject_IsEvaluated()
    {
        var policy = AccessPolicy.Parse($"{{\"Version\":\"2012-10-17\",\"Statement\":{Statement("Allow", Manage, PostArn)}}}");

        Assert.True(policy.Allows(Manage, PostArn));
        Assert.False(policy.Allows(Manage, DeleteArn));
    }

    [Fact]
    public void ActionsAndResourcesAsArrays_AnyOneMatches()
    {
        var policy = AccessPolicy.Parse(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"execute-api:Invoke\",\"execute-api:ManageConnections\"],"
            + $"\"Resource\":[\"arn:aws:execute-api:*:*:*/prod/*\",\"{DeleteArn}\"]}}]}}");

        Assert.True(policy.Allows(Manage, DeleteArn));
        Assert.True(policy.Allows("execute-api:Invoke", "arn:aws:execute-api:eu-west-1:000000000000:abcdef1234/prod/GET/@connections/x"));
        Assert.False(policy.Allows(Manage, PostArn));
    }

    [Fact]
    public void ActionStar_CoversEveryExecuteApiAction()
    {
        var policy = Policy(Statement("Allow", "*", "arn:aws:execute-api:*"));

        Assert.True(policy.Allows(Manage, PostArn));
        Assert.True(policy.Allows("execute-api:Invoke", PostArn));
    }

    [Fact]
    public void ResourceArn_IsApiGatewaysShape()
    {
        Assert.Equal(PostArn, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "dev", "POST", "@connections/aB3-_xY9zQ1-_k0P"));
        Assert.Equal(PostArn, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "dev", "POST", "/@connections/aB3-_xY9zQ1-_k0P"));
    }

    [Fact]
    public void FullAccess_AllowsEveryManagementCall()
    {
        foreach (var method in new[] { "POST", "GET", "DELETE", "PUT" })
        {
            var arn = AccessPolicy.ResourceArn("ap-southeast-2", "zzzzzzzzzz", "prod", method, "@groups/g/x");
            Assert.True(AccessPolicy.FullAccess.Allows(Manage, arn), arn);
        }
    }

    [Fact]
    public void AllowManageConnections_PostOnly_AllowsPostButNotDeleteOrGet()
    {
        // As CDK's grantManageConnections scoped to one method: dev/POST/@connections/*.
        var policy = AccessPolicy.AllowManageConnections(["dev/POST/@connections/*"]);

        Assert.True(policy.Allows(Manage, PostArn));
        Assert.True(policy.Allows(Manage, AccessPolicy.ResourceArn("eu-central-1", "otherapi12", "dev", "POST", "@connections/zzzz")));
        Assert.False(policy.Allows(Manage, DeleteArn));
        Assert.False(policy.Allows(Manage, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "dev", "GET", "@connections/aB3-_xY9zQ1-_k0P")));
        Assert.False(policy.Allows(Manage, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "prod", "POST", "@connections/aB3-_xY9zQ1-_k0P")));
        Assert.False(policy.Allows(Manage, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "dev", "POST", "@groups/g")));
        Assert.False(policy.Allows("execute-api:Invoke", PostArn));
    }

    [Theory]
    [InlineData("test", "PUT", "@groups/dev/aB3-_xY9zQ1-_k0P", false)]
    [InlineData("test", "DELETE", "@groups/dev/aB3-_xY9zQ1-_k0P", false)]
    [InlineData("prod", "POST", "@groups/x/dev/y", false)]
    [InlineData("dev", "PUT", "@groups/team/aB3-_xY9zQ1-_k0P", true)]
    [InlineData("dev", "DELETE", "@connections/aB3-_xY9zQ1-_k0P", true)]
    public void AllowManageConnections_OfAStage_CoversThatStageOnly_WhateverThePathAfterIt(string stage, string method, string path, bool allowed)
    {
        // "*" spans slashes, so a pattern that let anything stand for the API id would find "/dev/" inside a group path.
        var policy = AccessPolicy.AllowManageConnections(["dev/*"]);

        Assert.Equal(allowed, policy.Allows(Manage, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", stage, method, path)));
    }

    [Fact]
    public void AllowManageConnections_SeveralPatternsAndALeadingSlash()
    {
        var policy = AccessPolicy.AllowManageConnections(["/dev/POST/@connections/*", "dev/DELETE/@connections/*"]);

        Assert.True(policy.Allows(Manage, PostArn));
        Assert.True(policy.Allows(Manage, DeleteArn));
        Assert.False(policy.Allows(Manage, AccessPolicy.ResourceArn("us-east-1", "abcdef1234", "dev", "GET", "@connections/aB3-_xY9zQ1-_k0P")));
    }

    [Fact]
    public void AllowManageConnections_TakesAFullArnAsItIs()
    {
        var policy = AccessPolicy.AllowManageConnections(["arn:aws:execute-api:us-east-1:000000000000:abcdef1234/dev/POST/@connections/*"]);

        Assert.True(policy.Allows(Manage, PostArn));
        Assert.False(policy.Allows(Manage, AccessPolicy.ResourceArn("us-west-2", "abcdef1234", "dev", "POST", "@connections/aB3-_xY9zQ1-_k0P")));
    }

    [Fact]
    public void AllowManageConnections_DocumentParsesBackToTheSamePolicy()
    {
        var policy = AccessPolicy.AllowManageConnections(["dev/POST/@connections/*"]);

        var again = AccessPolicy.Parse(policy.Json);

        Assert.True(again.Allows(Manage, PostArn));
        Assert.False(again.Allows(Manage, DeleteArn));
    }

    // ---- Wildcard ----

    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a", "", false)]
    [InlineData("*", "", true)]
    [InlineData("**", "", true)]
    [InlineData("*", "arn:aws:execute-api:us-east-1:0:x/dev/POST/@connections/y", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "ab", false)]
    [InlineData("??", "ab", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "abcbc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a*b*c", "abcx", false)]
    [InlineData("a*b*c", "xabc", false)]
    [InlineData("a*b*c", "ab", false)]
    [InlineData("*c", "abcabc", true)]
    [InlineData("*c*", "ab", false)]
    [InlineData("a?*", "a", false)]
    [InlineData("a*?", "ab", true)]
    [InlineData("*?*?*", "x", false)]
    [InlineData("*?*?*", "xy", true)]
    [InlineData("abc", "ABC", false)]
    public void Wildcard_CaseSensitiveCases(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Wildcard.Matches(pattern, value, ignoreCase: false));

    [Theory]
    [InlineData("abc", "ABC", true)]
    [InlineData("a*C", "AxYc", true)]
    [InlineData("?B", "ab", true)]
    [InlineData("abc", "abd", false)]
    public void Wildcard_IgnoringCase(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Wildcard.Matches(pattern, value, ignoreCase: true));

    [Fact]
    public void Wildcard_ManyStarsAgainstALongNearMiss_Returns()
    {
        // A backtracking matcher takes exponential time here; this one answers.
        var pattern = string.Concat(Enumerable.Repeat("a*", 40)) + "b";
        var value = new string('a', 20_000);

        Assert.False(Wildcard.Matches(pattern, value, ignoreCase: false));
        Assert.True(Wildcard.Matches(pattern, value + "b", ignoreCase: false));
    }

    private static string Statement(string effect, string action, string resource) =>
        $"{{\"Effect\":\"{effect}\",\"Action\":\"{action}\",\"Resource\":\"{resource}\"}}";

    private static AccessPolicy Policy(params string[] statements) =>
        AccessPolicy.Parse($"{{\"Version\":\"2012-10-17\",\"Statement\":[{string.Join(',', statements)}]}}");
}
