using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

public sealed class DefinitionLoaderTests
{
    private const string F = "switchboard.json: ";
    private const string Ws = "$.webSocketApis[0]";
    private const string OnMessage = Ws + ".routes.onMessage.integration";
    private const string Get = "$.restApis[0].resources['/receiver'].methods.GET";

    private const string IntegrationProperties =
        "type, endpoint, function, sign, uri, timeoutMilliseconds, maxConcurrency, requestTemplates, payload, recipients, secret, requestParameters, message, messageFormat, webSocketApi, stageParameter, group";

    private static string SeedJson => SeedDefinition.ToJson(SeedDefinition.Create());

    [Theory]
    [InlineData(OnMessage + ".paylod", "\"$request.body.message\"", F + OnMessage + ".paylod: unknown property 'paylod'; expected one of: " + IntegrationProperties)]
    [InlineData(Ws + ".routeSelectonExpression", "\"$request.body.action\"",
        F + Ws + ".routeSelectonExpression: unknown property 'routeSelectonExpression'; expected one of: name, basePath, routeSelectionExpression, stages, routes, authorizer")]
    [InlineData(Ws + ".Name", "\"Chat\"", F + Ws + ".Name: unknown property 'Name'; expected one of: name, basePath, routeSelectionExpression, stages, routes, authorizer")]
    [InlineData("$.limts", "{}", F + "$.limts: unknown property 'limts'; expected one of: webSocketApis, restApis, usagePlans, defaultUsagePlan, limits")]
    [InlineData("$.limits.maxMessageByte", "1", F + "$.limits.maxMessageByte: unknown property 'maxMessageByte'; expected one of: maxMessageBytes, idleTimeoutSeconds, "
        + "maxConnectionLifetimeSeconds, keepAliveIntervalSeconds, outboundQueueMessages, outboundQueueBytes, inboundQueueMessages, messageAssemblySeconds, messageAssemblyBudgetBytes, maxMessageFragments, handshakeTimeoutSeconds, maxConnections, maxConnectionsPerIp, trustedProxies, binaryFrames, shutdownDrainSeconds")]
    [InlineData(OnMessage + ".secret.value", "\"1234\"", F + OnMessage + ".secret.value: unknown property 'value'; expected one of: path, env, fallback")]
    [InlineData(Ws + ".stages.dev.vars", "{}", F + Ws + ".stages.dev.vars: unknown property 'vars'; expected one of: variables, throttle")]
    [InlineData(Ws + ".routes.onMessage['integration type']", "\"x\"", F + Ws + ".routes.onMessage['integration type']: unknown property 'integration type'; expected one of: integration, routeResponseSelectionExpression")]
    [InlineData(Get + ".apiKey", "true", F + Get + ".apiKey: unknown property 'apiKey'; expected one of: apiKeyRequired, integration")]
    [InlineData("$.usagePlans[0].quota.periods", "\"DAY\"", F + "$.usagePlans[0].quota.periods: unknown property 'periods'; expected one of: limit, offset, period")]
    public void UnknownProperty_IsReportedWithItsPathAndTheExpectedNames(string path, string value, string expected)
    {
        var result = DefinitionLoader.LoadFromJson(JsonEdit.Apply(SeedJson, (path, value)), "switchboard.json");

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("$.limits.maxMessageBytes", "\"131072\"", "expected an integer, got \"131072\"")]
    [InlineData("$.limits.maxMessageBytes", "1.5", "expected an integer, got 1.5")]
    [InlineData("$.limits.maxMessageBytes", "3000000000", "expected an integer from -2147483648 to 2147483647, got 3000000000")]
    [InlineData("$.limits.maxMessageBytes", "null", "expected an integer, got null")]
    [InlineData("$.limits.binaryFrames", "false", "expected a string, got false")]
    [InlineData("$.limits", "null", "expected an object, got null")]
    [InlineData("$.limits", "[]", "expected an object, got an array")]
    [InlineData("$.usagePlans[0].throttle.rateLimit", "\"fast\"", "expected a number, got \"fast\"")]
    [InlineData("$.usagePlans[0].throttle.rateLimit", "1e999", "expected a number, got 1e999")]
    [InlineData(Get + ".apiKeyRequired", "\"yes\"", "expected true or false, got \"yes\"")]
    [InlineData(Get + ".apiKeyRequired", "1", "expected true or false, got 1")]
    [InlineData("$.restApis[0].name", "5", "expected a string, got 5")]
    [InlineData("$.restApis[0].name", "null", "expected a string, got null")]
    [InlineData(Ws + ".stages", "[\"dev\"]", "expected an object, got an array")]
    [InlineData(Ws + ".stages.dev", "\"dev\"", "expected an object, got \"dev\"")]
    [InlineData(Ws + ".routes.onMessage", "null", "expected an object, got null")]
    [InlineData(OnMessage + ".type", "null", "expected a string, got null")]
    [InlineData(OnMessage + ".secret", "\"1234\"", "expected an object, got \"1234\"")]
    [InlineData(Get + ".integration.requestParameters.domain", "5", "expected a string, got 5")]
    [InlineData("$.restApis", "{}", "expected an array, got an object")]
    [InlineData("$.defaultUsagePlan", "[\"a\", \"b\"]", "expected a string, got an array")]
    public void WrongJsonType_IsReportedOnce_WithTheValueFound(string path, string value, string expected)
    {
        var json = JsonEdit.Apply(SeedJson, (path, value));
        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        var errors = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal([F + path + ": " + expected], errors);
    }

    [Fact]
    public void WrongJsonType_LongValue_IsShortened()
    {
        var value = "\"" + new string('x', 100) + "\"";
        var result = DefinitionLoader.LoadFromJson(JsonEdit.Apply(SeedJson, ("$.limits.maxMessageBytes", value)), "switchboard.json");

        Assert.Equal([F + "$.limits.maxMessageBytes: expected an integer, got \"" + new string('x', 56) + "..."], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void WrongJsonTypeOfAnArrayItem_KeepsThePathsOfTheItemsAfterIt()
    {
        var json = """
            {
              "usagePlans": [
                "Bronze",
                { "name": "Silver", "quota": { "limit": 0, "period": "DAY" } }
              ]
            }
            """;

        var result = DefinitionLoader.LoadFromJson(json, "plans.json");

        Assert.Equal(
            [
                "plans.json: $.usagePlans[0]: expected an object, got \"Bronze\"",
                "plans.json: $.usagePlans[1].quota.limit: must be at least 1; got 0",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void RootThatIsNotAnObject_IsReported()
    {
        var result = DefinitionLoader.LoadFromJson("[]", "switchboard.json");

        Assert.Equal([F + "$: expected an object, got an array"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void DuplicateProperty_IsReported()
    {
        var json = """
            {
              "limits": { "maxMessageBytes": 1024, "maxMessageBytes": 2048 },
              "webSocketApis": [
                {
                  "name": "Chat",
                  "stages": { "dev": {} },
                  "routes": {
                    "$default": { "integration": { "type": "broadcast", "payload": "$request.body.a" } },
                    "$default": { "integration": { "type": "broadcast", "payload": "$request.body.b" } }
                  }
                }
              ]
            }
            """;

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal(
            [
                F + "$.limits.maxMessageBytes: duplicate property 'maxMessageBytes'",
                F + "$.webSocketApis[0].routes['$default']: duplicate key '$default'",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("{ \"webSocketApis\": [ { \"name\": \"a\" \"basePath\": \"\" } ] }",
        F + "$.webSocketApis[0].name: invalid JSON at line 1, column 36: '\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("{\n  \"limits\": {\n    \"maxMessageBytes\": 12x\n  }\n}",
        F + "$.limits.maxMessageBytes: invalid JSON at line 3, column 26: 'x' is an invalid end of a number. Expected a delimiter.")]
    [InlineData("{\n  \"usagePlans\": [\n    { \"name\": \"a\" },\n    { \"name\": \"b\" }\n",
        F + "$.usagePlans[1]: invalid JSON at line 5, column 1: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    [InlineData("", F + "$: invalid JSON at line 1, column 1: The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true.")]
    [InlineData("{ 'limits': {} }", F + "$: invalid JSON at line 1, column 3: ''' is an invalid start of a property name. Expected a '\"'.")]
    public void SyntaxError_IsOneErrorWithItsLineColumnAndPath(string json, string expected)
    {
        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.False(result.Succeeded);
        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void CommentsAndTrailingCommas_AreAllowed()
    {
        var json = """
            {
              // The seed's WebSocket API, cut down.
              "webSocketApis": [
                {
                  "name": "Chat", /* inline */
                  "stages": { "dev": {}, },
                  "routes": {
                    "$connect": { "integration": { "type": "registry.save" } },
                  },
                },
              ],
            }
            """;

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Empty(result.Errors);
        Assert.True(result.Succeeded);
        Assert.Equal("Chat", result.Definition.WebSocketApis[0].Name);
        Assert.Equal("$request.body.action", result.Definition.WebSocketApis[0].RouteSelectionExpression);
        Assert.Equal(131_072, result.Definition.Limits.MaxMessageBytes);
    }

    [Fact]
    public void BrokenFile_ReportsEveryProblemWithItsPath()
    {
        var json = """
            {
              "webSocketApis": [
                {
                  "name": "",
                  "basePath": "/chat/",
                  "routeSelectonExpression": "$request.body.action",
                  "stages": { "dev": {}, "bad stage": {} },
                  "routes": {
                    "$conect": { "integration": { "type": "registry.save" } },
                    "onMessage": { "integration": { "type": "brodcast", "paylod": "$request.body.message" } },
                    "send": {
                      "integration": {
                        "type": "broadcast",
                        "payload": "message",
                        "recipients": "everyone",
                        "secret": { "path": "$request.body.key", "env": "1KEY" }
                      }
                    },
                    "noop": {}
                  }
                }
              ],
              "restApis": [
                {
                  "name": "Receiver",
                  "stages": {},
                  "resources": {
                    "receiver": {
                      "methods": {
                        "get": {
                          "apiKeyRequired": "yes",
                          "integration": {
                            "type": "broadcast",
                            "requestParameters": { "programId": "progId" },
                            "message": "progId",
                            "messageFormat": "number"
                          }
                        }
                      }
                    }
                  }
                }
              ],
              "usagePlans": [
                { "name": "Plan", "throttle": { "rateLimit": 0, "burstLimit": 0 }, "quota": { "limit": 10, "offset": 10, "period": "day" } }
              ],
              "defaultUsagePlan": "Gold",
              "limits": { "maxMessageBytes": "128k", "shutdownDrainSeconds": 60, "binaryFrames": "drop" }
            }
            """;

        var result = DefinitionLoader.LoadFromJson(json, "broken.json");

        Assert.False(result.Succeeded);
        Assert.Null(result.Definition);
        Assert.Equal(
            [
                "broken.json: $.webSocketApis[0].routeSelectonExpression: unknown property 'routeSelectonExpression'; expected one of: name, basePath, routeSelectionExpression, stages, routes, authorizer",
                "broken.json: $.webSocketApis[0].routes.onMessage.integration.paylod: unknown property 'paylod'; expected one of: " + IntegrationProperties,
                "broken.json: $.restApis[0].resources.receiver.methods.get.apiKeyRequired: expected true or false, got \"yes\"",
                "broken.json: $.limits.maxMessageBytes: expected an integer, got \"128k\"",
                "broken.json: $.webSocketApis[0].name: a name is required",
                "broken.json: $.webSocketApis[0].basePath: invalid basePath '/chat/'; expected letters, digits, '-', '_' and '.', with '/' only between segments (e.g. 'chat' or 'apps/chat'), or empty",
                "broken.json: $.webSocketApis[0].stages['bad stage']: invalid stage name 'bad stage'; expected letters, digits, '-' and '_'",
                "broken.json: $.webSocketApis[0].routes['$conect']: unknown route key '$conect'; keys starting with '$' must be one of $connect, $disconnect, $default",
                "broken.json: $.webSocketApis[0].routes['$conect'].integration.type: registry.save is only allowed on the $connect route, not on '$conect'",
                "broken.json: $.webSocketApis[0].routes.onMessage.integration.type: unknown type 'brodcast'; expected one of registry.save, registry.delete, broadcast, lambda, http, group.join, group.leave",
                "broken.json: $.webSocketApis[0].routes.send.integration.payload: 'message' is not a message path; expected $request.body.NAME (nested: $request.body.A.B)",
                "broken.json: $.webSocketApis[0].routes.send.integration.recipients: unknown recipients 'everyone'; expected one of others, all",
                "broken.json: $.webSocketApis[0].routes.send.integration.secret.env: invalid environment variable name '1KEY'; expected letters, digits and '_', not starting with a digit",
                "broken.json: $.webSocketApis[0].routes.noop.integration: an integration is required; only $connect and $disconnect may go without",
                "broken.json: $.restApis[0].stages: at least one stage is required; e.g. { \"dev\": {} }",
                "broken.json: $.restApis[0].resources.receiver: invalid resource path 'receiver'; expected '/' alone or '/' followed by segments of letters, digits, '-', '_', '.' and '~' or {name} parameters, with no trailing '/' (e.g. /receiver or /items/{id})",
                "broken.json: $.restApis[0].resources.receiver.methods.get: unknown HTTP method 'get'; expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY",
                "broken.json: $.restApis[0].resources.receiver.methods.get.integration.requestParameters.programId: 'progId' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'",
                "broken.json: $.restApis[0].resources.receiver.methods.get.integration.message: 'progId' is not a key of requestParameters; expected one of programId",
                "broken.json: $.restApis[0].resources.receiver.methods.get.integration.messageFormat: unknown messageFormat 'number'; expected one of text, positiveNumber",
                "broken.json: $.usagePlans[0].throttle.rateLimit: must be greater than 0; got 0",
                "broken.json: $.usagePlans[0].throttle.burstLimit: must be at least 1; got 0",
                "broken.json: $.usagePlans[0].quota.offset: must be at least 0 and less than limit (10); got 10",
                "broken.json: $.usagePlans[0].quota.period: unknown period 'day'; expected one of DAY, WEEK, MONTH",
                "broken.json: $.defaultUsagePlan: unknown usage plan 'Gold'; expected one of Plan",
                "broken.json: $.limits.binaryFrames: unknown binaryFrames 'drop'; expected one of accept, reject",
                "broken.json: $.limits.shutdownDrainSeconds: must be from 0 to 25; got 60",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_ReadsTheFile_AndNamesItInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonEdit.Apply(SeedJson, ("$.limits.maxMessageBytes", "0")));
        try
        {
            var result = DefinitionLoader.Load(path);

            Assert.Equal([$"{path}: $.limits.maxMessageBytes: must be at least 1; got 0"], result.Errors.Select(e => e.ToString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_FileWithByteOrderMark_Succeeds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, SeedJson, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            Assert.True(DefinitionLoader.Load(path).Succeeded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_IsOneError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-missing-{Guid.NewGuid():N}.json");

        var result = DefinitionLoader.Load(path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.File);
        Assert.Equal("$", error.JsonPath);
        Assert.StartsWith("cannot read the file: ", error.Message, StringComparison.Ordinal);
    }
}
