using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

public sealed class SeedDefinitionTests
{
    [Fact]
    public void Create_IsTheContractsBuiltInSetup()
    {
        var seed = SeedDefinition.Create();

        var webSocket = Assert.Single(seed.WebSocketApis);
        Assert.Equal("OutsystemsWebSocket", webSocket.Name);
        Assert.Equal("", webSocket.BasePath);
        Assert.Equal(["dev", "test"], webSocket.Stages.Keys);
        Assert.Equal("$request.body.action", webSocket.RouteSelectionExpression);
        Assert.Equal(["$connect", "$disconnect", "onMessage"], webSocket.Routes.Keys);
        Assert.Equal("registry.save", webSocket.Routes["$connect"].Integration?.Type);
        Assert.Equal("registry.delete", webSocket.Routes["$disconnect"].Integration?.Type);
        var broadcast = webSocket.Routes["onMessage"].Integration!;
        Assert.Equal(
            new IntegrationDefinition
            {
                Type = "broadcast",
                Payload = "$request.body.message",
                Recipients = "others",
                Secret = new SecretDefinition { Path = "$request.body.key", Env = "SWITCHBOARD_BROADCAST_KEY", Fallback = "1234" },
                RequestParameters = broadcast.RequestParameters,
            },
            broadcast);
        Assert.Empty(broadcast.RequestParameters);

        var rest = Assert.Single(seed.RestApis);
        Assert.Equal("OutsystemsClientReceiver", rest.Name);
        Assert.Equal(["dev", "test"], rest.Stages.Keys);
        var get = rest.Resources["/receiver"].Methods["GET"];
        Assert.True(get.ApiKeyRequired);
        var receiver = get.Integration!;
        Assert.Equal("broadcast", receiver.Type);
        Assert.Equal(
            [
                new("programId", "$input.params('progId')"),
                new("domain", "$input.params('domain')"),
                new KeyValuePair<string, string>("stage", "$input.params('stage')"),
            ],
            receiver.RequestParameters);
        Assert.Equal("programId", receiver.Message);
        Assert.Equal("positiveNumber", receiver.MessageFormat);
        Assert.Equal("OutsystemsWebSocket", receiver.WebSocketApi);
        Assert.Equal("stage", receiver.StageParameter);

        var plan = Assert.Single(seed.UsagePlans);
        Assert.Equal("OutsystemsUsagePlan", plan.Name);
        Assert.Equal(new ThrottleDefinition { RateLimit = 100, BurstLimit = 200 }, plan.Throttle);
        Assert.Equal(new QuotaDefinition { Limit = 100_000, Offset = 0, Period = "DAY" }, plan.Quota);
        Assert.Equal("OutsystemsUsagePlan", seed.DefaultUsagePlan);
        Assert.Equal(new LimitsDefinition(), seed.Limits);
    }

    [Fact]
    public void Create_ValidatesClean()
    {
        Assert.Empty(DefinitionValidator.Validate(SeedDefinition.Create(), "seed"));
    }

    [Fact]
    public void ToJson_LoadsBackClean_AndWritesTheSameTextAgain()
    {
        var json = SeedDefinition.ToJson(SeedDefinition.Create());

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Empty(result.Errors);
        Assert.True(result.Succeeded);
        Assert.Equal(json, SeedDefinition.ToJson(result.Definition));
    }

    [Fact]
    public void ToJson_IsTheFileInitWrites()
    {
        Assert.Equal(ExpectedInitFile, SeedDefinition.ToJson(SeedDefinition.Create()));
    }

    // What `switchboard init` writes: every default spelled out (limits, basePath, stage variables, method throttles), no nulls, and the
    // mapping expressions as written, not \u0027-escaped.
    private const string ExpectedInitFile = """
        {
          "webSocketApis": [
            {
              "name": "OutsystemsWebSocket",
              "basePath": "",
              "routeSelectionExpression": "$request.body.action",
              "stages": {
                "dev": {
                  "variables": {}
                },
                "test": {
                  "variables": {}
                }
              },
              "routes": {
                "$connect": {
                  "integration": {
                    "type": "registry.save"
                  }
                },
                "$disconnect": {
                  "integration": {
                    "type": "registry.delete"
                  }
                },
                "onMessage": {
                  "integration": {
                    "type": "broadcast",
                    "payload": "$request.body.message",
                    "recipients": "others",
                    "secret": {
                      "path": "$request.body.key",
                      "env": "SWITCHBOARD_BROADCAST_KEY",
                      "fallback": "1234"
                    }
                  }
                }
              }
            }
          ],
          "restApis": [
            {
              "name": "OutsystemsClientReceiver",
              "basePath": "",
              "stages": {
                "dev": {
                  "variables": {}
                },
                "test": {
                  "variables": {}
                }
              },
              "resources": {
                "/receiver": {
                  "methods": {
                    "GET": {
                      "apiKeyRequired": true,
                      "integration": {
                        "type": "broadcast",
                        "requestParameters": {
                          "programId": "$input.params('progId')",
                          "domain": "$input.params('domain')",
                          "stage": "$input.params('stage')"
                        },
                        "message": "programId",
                        "messageFormat": "positiveNumber",
                        "webSocketApi": "OutsystemsWebSocket",
                        "stageParameter": "stage"
                      }
                    }
                  }
                }
              }
            }
          ],
          "usagePlans": [
            {
              "name": "OutsystemsUsagePlan",
              "throttle": {
                "rateLimit": 100,
                "burstLimit": 200
              },
              "quota": {
                "limit": 100000,
                "offset": 0,
                "period": "DAY"
              },
              "methodThrottles": {}
            }
          ],
          "defaultUsagePlan": "OutsystemsUsagePlan",
          "limits": {
            "maxMessageBytes": 131072,
            "idleTimeoutSeconds": 600,
            "maxConnectionLifetimeSeconds": 7200,
            "keepAliveIntervalSeconds": 30,
            "outboundQueueMessages": 4096,
            "outboundQueueBytes": 1048576,
            "inboundQueueMessages": 16,
            "messageAssemblySeconds": 30,
            "messageAssemblyBudgetBytes": 268435456,
            "maxMessageFragments": 1024,
            "handshakeTimeoutSeconds": 10,
            "maxConnections": 100000,
            "maxConnectionsPerIp": 20000,
            "trustedProxies": [],
            "binaryFrames": "accept",
            "shutdownDrainSeconds": 10
          }
        }

        """;
}
