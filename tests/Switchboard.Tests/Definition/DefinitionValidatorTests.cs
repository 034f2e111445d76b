using System.Text.Json;
using Switchboard.Definition;

namespace Switchboard.Tests.Definition;

// Each case changes one thing in the seed definition's JSON and expects exactly one error, so a case also proves the
// rule reports nothing else. Paths and messages are what `switchboard serve` prints.
public sealed class DefinitionValidatorTests
{
    private const string F = "switchboard.json: ";
    private const string Ws = "$.webSocketApis[0]";
    private const string Connect = Ws + ".routes['$connect'].integration";
    private const string Disconnect = Ws + ".routes['$disconnect'].integration";
    private const string OnMessage = Ws + ".routes.onMessage.integration";
    private const string Rest = "$.restApis[0]";
    private const string Get = Rest + ".resources['/receiver'].methods.GET.integration";
    private const string Plan = "$.usagePlans[0]";
    private const string Limits = "$.limits";
    private const string Remove = JsonEdit.Remove;

    private const string IntegrationTypesList = "registry.save, registry.delete, broadcast, lambda, http, group.join, group.leave";
    private const string BodyPathSyntax = "expected $request.body.NAME (nested: $request.body.A.B)";
    private const string BasePathSyntax = "expected letters, digits, '-', '_' and '.', with '/' only between segments (e.g. 'chat' or 'apps/chat'), or empty";
    private const string ResourcePathSyntax =
        "expected '/' alone or '/' followed by segments of letters, digits, '-', '_', '.' and '~' or {name} parameters, with no trailing '/' (e.g. /receiver or /items/{id})";
    private const string WebSocketSettings = "a WebSocket route's broadcast takes payload, recipients, secret, group";
    private const string RestSettings = "a REST method's broadcast takes requestParameters, message, messageFormat, webSocketApi, stageParameter";
    private const string SeedParameters = "programId, domain, stage";
    private const string HttpMethods = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY";

    private const string Throttle11 = """{ "rateLimit": 1, "burstLimit": 1 }""";
    private const string NotAKeyedMethod = "is not a REST method with apiKeyRequired (RESOURCE_PATH/VERB, //VERB for the root resource); ";

    private const string ReceiverMethod = """{ "methods": { "GET": { "integration": { "type": "broadcast", "requestParameters": { "m": "'x'" }, "message": "m" } } } }""";

    [Fact]
    public void Seed_ValidatesClean()
    {
        Assert.Empty(DefinitionValidator.Validate(SeedDefinition.Create(), "seed"));
    }

    [Fact]
    public void ValidThrottles_OnAPlansKeyedMethodAndARestStage_ValidateClean()
    {
        var json = JsonEdit.Apply(
            SeedDefinition.ToJson(SeedDefinition.Create()),
            (Plan + ".methodThrottles['/receiver/GET']", """{ "rateLimit": 0.5, "burstLimit": 1 }"""),
            (Rest + ".stages.dev.throttle", """{ "rateLimit": 1000, "burstLimit": 2000 }"""));

        Assert.Empty(DefinitionLoader.LoadFromJson(json, "switchboard.json").Errors);
    }

    [Fact]
    public void MethodThrottle_WhenNoMethodRequiresAKey_SaysSo()
    {
        var json = JsonEdit.Apply(
            SeedDefinition.ToJson(SeedDefinition.Create()),
            (Rest + ".resources['/receiver'].methods.GET.apiKeyRequired", "false"),
            (Plan + ".methodThrottles['/receiver/GET']", Throttle11));

        Assert.Equal(
            [F + Plan + ".methodThrottles['/receiver/GET']: '/receiver/GET' " + NotAKeyedMethod + "no REST method requires an API key"],
            DefinitionLoader.LoadFromJson(json, "switchboard.json").Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void EmptyDefinition_IsValid()
    {
        Assert.Empty(DefinitionValidator.Validate(new GatewayDefinition(), "empty.json"));
    }

    [Theory]
    // names, base paths, stages
    [InlineData(Ws + ".name", "\"\"", F + Ws + ".name: a name is required", F + Get + ".webSocketApi: unknown WebSocket API 'OutsystemsWebSocket'; no WebSocket API has a name")]
    [InlineData(Ws + ".name", "\"  \"", F + Ws + ".name: a name is required", F + Get + ".webSocketApi: unknown WebSocket API 'OutsystemsWebSocket'; no WebSocket API has a name")]
    [InlineData(Ws + ".basePath", "\"/chat\"", F + Ws + ".basePath: invalid basePath '/chat'; " + BasePathSyntax)]
    [InlineData(Ws + ".basePath", "\"chat/\"", F + Ws + ".basePath: invalid basePath 'chat/'; " + BasePathSyntax)]
    [InlineData(Ws + ".basePath", "\"a//b\"", F + Ws + ".basePath: invalid basePath 'a//b'; " + BasePathSyntax)]
    [InlineData(Ws + ".basePath", "\"apps/..\"", F + Ws + ".basePath: invalid basePath 'apps/..'; " + BasePathSyntax)]
    [InlineData(Ws + ".basePath", "\"chat room\"", F + Ws + ".basePath: invalid basePath 'chat room'; " + BasePathSyntax)]
    [InlineData(Ws + ".stages", "{}", F + Ws + ".stages: at least one stage is required; e.g. { \"dev\": {} }")]
    [InlineData(Ws + ".stages['bad stage']", "{}", F + Ws + ".stages['bad stage']: invalid stage name 'bad stage'; expected letters, digits, '-' and '_'")]
    [InlineData(Ws + ".stages['v1.0']", "{}", F + Ws + ".stages['v1.0']: invalid stage name 'v1.0'; expected letters, digits, '-' and '_'")]
    [InlineData(Ws + ".stages.dev.variables", """{ "a-b": "x" }""", F + Ws + ".stages.dev.variables['a-b']: invalid stage variable name 'a-b'; expected letters, digits and '_'")]
    [InlineData(Rest + ".name", "\"\"", F + Rest + ".name: a name is required")]
    [InlineData(Rest + ".basePath", "\"/api\"", F + Rest + ".basePath: invalid basePath '/api'; " + BasePathSyntax)]
    [InlineData(Rest + ".stages", "{}", F + Rest + ".stages: at least one stage is required; e.g. { \"dev\": {} }")]
    // route keys and integrations
    [InlineData(Ws + ".routes['$conect']", """{ "integration": { "type": "broadcast", "payload": "$request.body.message" } }""",
        F + Ws + ".routes['$conect']: unknown route key '$conect'; keys starting with '$' must be one of $connect, $disconnect, $default")]
    [InlineData(Ws + ".routes['']", """{ "integration": { "type": "broadcast", "payload": "$request.body.message" } }""", F + Ws + ".routes['']: a route key must not be empty")]
    [InlineData(OnMessage, Remove, F + OnMessage + ": an integration is required; only $connect and $disconnect may go without")]
    [InlineData(Ws + ".routes['$default']", "{}", F + Ws + ".routes['$default'].integration: an integration is required; only $connect and $disconnect may go without")]
    [InlineData(OnMessage + ".type", "\"brodcast\"", F + OnMessage + ".type: unknown type 'brodcast'; expected one of " + IntegrationTypesList)]
    [InlineData(OnMessage + ".type", "\"Broadcast\"", F + OnMessage + ".type: unknown type 'Broadcast'; expected one of " + IntegrationTypesList)]
    [InlineData(OnMessage + ".type", "\"\"", F + OnMessage + ".type: a type is required; expected one of " + IntegrationTypesList)]
    [InlineData(Connect + ".type", Remove, F + Connect + ".type: a type is required; expected one of " + IntegrationTypesList)]
    [InlineData(Disconnect + ".type", "\"registry.save\"", F + Disconnect + ".type: registry.save is only allowed on the $connect route, not on '$disconnect'")]
    [InlineData(Connect + ".type", "\"registry.delete\"", F + Connect + ".type: registry.delete is only allowed on the $disconnect route, not on '$connect'")]
    [InlineData(Connect, """{ "type": "broadcast", "payload": "$request.body.message" }""", F + Connect + ".type: broadcast is not allowed on the $connect route, which has no message body to send")]
    [InlineData(Connect + ".recipients", "\"all\"", F + Connect + ".recipients: 'recipients' does not apply to registry.save, which takes no settings")]
    [InlineData(Disconnect + ".requestParameters", """{ "a": "'b'" }""", F + Disconnect + ".requestParameters: 'requestParameters' does not apply to registry.delete, which takes no settings")]
    // broadcast on a WebSocket route
    [InlineData(OnMessage + ".payload", Remove, F + OnMessage + ".payload: a payload is required; e.g. $request.body.message")]
    [InlineData(OnMessage + ".payload", "\"message\"", F + OnMessage + ".payload: 'message' is not a message path; " + BodyPathSyntax)]
    [InlineData(OnMessage + ".payload", "\"$request.body.a..b\"", F + OnMessage + ".payload: '$request.body.a..b' has an empty path segment; " + BodyPathSyntax)]
    [InlineData(OnMessage + ".recipients", "\"everyone\"", F + OnMessage + ".recipients: unknown recipients 'everyone'; expected one of others, all")]
    [InlineData(OnMessage + ".secret.path", "\"key\"", F + OnMessage + ".secret.path: 'key' is not a message path; " + BodyPathSyntax)]
    [InlineData(OnMessage + ".secret.path", Remove, F + OnMessage + ".secret.path: a path is required; e.g. $request.body.key")]
    [InlineData(OnMessage + ".secret.env", "\"1KEY\"", F + OnMessage + ".secret.env: invalid environment variable name '1KEY'; expected letters, digits and '_', not starting with a digit")]
    [InlineData(OnMessage + ".secret.env", "\"MY-KEY\"", F + OnMessage + ".secret.env: invalid environment variable name 'MY-KEY'; expected letters, digits and '_', not starting with a digit")]
    [InlineData(OnMessage + ".secret.env", "\"\"", F + OnMessage + ".secret.env: an environment variable name is required; e.g. SWITCHBOARD_BROADCAST_KEY")]
    [InlineData(OnMessage + ".secret.fallback", "\"\"", F + OnMessage + ".secret.fallback: an empty fallback is not allowed; leave fallback out to refuse every message while the variable is unset")]
    [InlineData(OnMessage + ".message", "\"programId\"", F + OnMessage + ".message: 'message' applies only to a broadcast on a REST method; " + WebSocketSettings)]
    [InlineData(OnMessage + ".requestParameters", """{ "a": "'b'" }""", F + OnMessage + ".requestParameters: 'requestParameters' applies only to a broadcast on a REST method; " + WebSocketSettings)]
    [InlineData(OnMessage + ".messageFormat", "\"text\"", F + OnMessage + ".messageFormat: 'messageFormat' applies only to a broadcast on a REST method; " + WebSocketSettings)]
    [InlineData(OnMessage + ".webSocketApi", "\"OutsystemsWebSocket\"", F + OnMessage + ".webSocketApi: 'webSocketApi' applies only to a broadcast on a REST method; " + WebSocketSettings)]
    [InlineData(OnMessage + ".stageParameter", "\"stage\"", F + OnMessage + ".stageParameter: 'stageParameter' applies only to a broadcast on a REST method; " + WebSocketSettings)]
    // broadcast on a REST method
    [InlineData(Get + ".payload", "\"$request.body.message\"", F + Get + ".payload: 'payload' applies only to a broadcast on a WebSocket route; " + RestSettings)]
    [InlineData(Get + ".recipients", "\"all\"", F + Get + ".recipients: 'recipients' applies only to a broadcast on a WebSocket route; " + RestSettings)]
    [InlineData(Get + ".secret", """{ "path": "$request.body.key", "env": "K" }""", F + Get + ".secret: 'secret' applies only to a broadcast on a WebSocket route; " + RestSettings)]
    [InlineData(Get, """{ "type": "registry.save" }""", F + Get + ".type: registry.save is only allowed on a WebSocket API's $connect route, not on a REST method")]
    [InlineData(Get + ".message", Remove, F + Get + ".message: a message is required: the request parameter whose value is sent; expected one of " + SeedParameters)]
    [InlineData(Get + ".message", "\"progId\"", F + Get + ".message: 'progId' is not a key of requestParameters; expected one of " + SeedParameters)]
    [InlineData(Get + ".messageFormat", "\"number\"", F + Get + ".messageFormat: unknown messageFormat 'number'; expected one of text, positiveNumber")]
    [InlineData(Get + ".webSocketApi", "\"Chat\"", F + Get + ".webSocketApi: unknown WebSocket API 'Chat'; expected one of OutsystemsWebSocket")]
    [InlineData(Get + ".stageParameter", "\"stg\"", F + Get + ".stageParameter: 'stg' is not a key of requestParameters; expected one of " + SeedParameters)]
    [InlineData(Get + ".requestParameters.programId", "\"progId\"",
        F + Get + ".requestParameters.programId: 'progId' is not a request parameter expression; expected $input.params('NAME'), method.request.querystring.NAME, method.request.header.NAME, method.request.path.NAME, stageVariables.NAME or a 'literal'")]
    [InlineData(Get + ".requestParameters.programId", "\"method.request.path.id\"",
        F + Get + ".requestParameters.programId: unknown path parameter 'id' in 'method.request.path.id'; the resource path has none")]
    [InlineData(Get + ".requestParameters['a b']", "\"'x'\"", F + Get + ".requestParameters['a b']: invalid request parameter name 'a b'; expected letters, digits, '_', '-' and '.'")]
    // REST resources and methods
    [InlineData(Rest + ".resources", "{}", F + Rest + ".resources: at least one resource is required; e.g. { \"/receiver\": { \"methods\": { \"GET\": { ... } } } }")]
    [InlineData(Rest + ".resources.receiver", ReceiverMethod, F + Rest + ".resources.receiver: invalid resource path 'receiver'; " + ResourcePathSyntax)]
    [InlineData(Rest + ".resources['/items/']", ReceiverMethod, F + Rest + ".resources['/items/']: invalid resource path '/items/'; " + ResourcePathSyntax)]
    [InlineData(Rest + ".resources['/items/@connections']", ReceiverMethod, F + Rest + ".resources['/items/@connections']: invalid resource path '/items/@connections'; " + ResourcePathSyntax)]
    [InlineData(Rest + ".resources['/items/{a-b}']", ReceiverMethod, F + Rest + ".resources['/items/{a-b}']: invalid path parameter '{a-b}' in '/items/{a-b}'; expected {name} with letters, digits and '_'")]
    [InlineData(Rest + ".resources['/items/{id}/{id}']", ReceiverMethod, F + Rest + ".resources['/items/{id}/{id}']: path parameter '{id}' appears twice in '/items/{id}/{id}'")]
    [InlineData(Rest + ".resources['/receiver'].methods", "{}", F + Rest + ".resources['/receiver'].methods: at least one method is required; expected one of " + HttpMethods)]
    [InlineData(Rest + ".resources['/receiver'].methods.get", """{ "integration": { "type": "broadcast", "requestParameters": { "m": "'x'" }, "message": "m" } }""",
        F + Rest + ".resources['/receiver'].methods.get: unknown HTTP method 'get'; expected one of " + HttpMethods)]
    [InlineData(Get, Remove, F + Get + ": an integration is required")]
    // usage plans
    [InlineData(Plan + ".name", "\"\"", F + Plan + ".name: a name is required", F + "$.defaultUsagePlan: unknown usage plan 'OutsystemsUsagePlan'; no usage plan has a name")]
    [InlineData(Plan + ".throttle.rateLimit", "0", F + Plan + ".throttle.rateLimit: must be greater than 0; got 0")]
    [InlineData(Plan + ".throttle.rateLimit", "-0.5", F + Plan + ".throttle.rateLimit: must be greater than 0; got -0.5")]
    [InlineData(Plan + ".throttle.burstLimit", "0", F + Plan + ".throttle.burstLimit: must be at least 1; got 0")]
    [InlineData(Plan + ".throttle", "{}", F + Plan + ".throttle.rateLimit: must be greater than 0; got 0", F + Plan + ".throttle.burstLimit: must be at least 1; got 0")]
    [InlineData(Plan + ".quota.limit", "0", F + Plan + ".quota.limit: must be at least 1; got 0")]
    [InlineData(Plan + ".quota.offset", "100000", F + Plan + ".quota.offset: must be at least 0 and less than limit (100000); got 100000")]
    [InlineData(Plan + ".quota.offset", "-1", F + Plan + ".quota.offset: must be at least 0 and less than limit (100000); got -1")]
    [InlineData(Plan + ".quota.period", "\"day\"", F + Plan + ".quota.period: unknown period 'day'; expected one of DAY, WEEK, MONTH")]
    [InlineData(Plan + ".quota.period", Remove, F + Plan + ".quota.period: a period is required; expected one of DAY, WEEK, MONTH")]
    [InlineData("$.usagePlans[1]", """{ "name": "OutsystemsUsagePlan" }""", F + "$.usagePlans[1].name: name 'OutsystemsUsagePlan' is already used by $.usagePlans[0]")]
    [InlineData("$.defaultUsagePlan", "\"Gold\"", F + "$.defaultUsagePlan: unknown usage plan 'Gold'; expected one of OutsystemsUsagePlan")]
    [InlineData("$.usagePlans", "[]", F + "$.defaultUsagePlan: unknown usage plan 'OutsystemsUsagePlan'; no usage plans are defined")]
    [InlineData(Plan + ".methodThrottles['/receiver/POST']", Throttle11, F + Plan + ".methodThrottles['/receiver/POST']: '/receiver/POST' " + NotAKeyedMethod + "expected one of /receiver/GET")]
    [InlineData(Plan + ".methodThrottles['/receiver']", Throttle11, F + Plan + ".methodThrottles['/receiver']: '/receiver' " + NotAKeyedMethod + "expected one of /receiver/GET")]
    [InlineData(Plan + ".methodThrottles['//GET']", Throttle11, F + Plan + ".methodThrottles['//GET']: '//GET' " + NotAKeyedMethod + "expected one of /receiver/GET")]
    [InlineData(Plan + ".methodThrottles['/receiver/get']", Throttle11, F + Plan + ".methodThrottles['/receiver/get']: '/receiver/get' " + NotAKeyedMethod + "expected one of /receiver/GET")]
    [InlineData(Plan + ".methodThrottles['/receiver/GET']", """{ "rateLimit": 0, "burstLimit": 1 }""", F + Plan + ".methodThrottles['/receiver/GET'].rateLimit: must be greater than 0; got 0")]
    [InlineData(Plan + ".methodThrottles['/receiver/GET']", """{ "rateLimit": 2 }""", F + Plan + ".methodThrottles['/receiver/GET'].burstLimit: must be at least 1; got 0")]
    // stage throttles
    [InlineData(Rest + ".stages.dev.throttle", """{ "rateLimit": 1.5, "burstLimit": 0 }""", F + Rest + ".stages.dev.throttle.burstLimit: must be at least 1; got 0")]
    [InlineData(Rest + ".stages.test.throttle", """{ "rateLimit": -1, "burstLimit": 10 }""", F + Rest + ".stages.test.throttle.rateLimit: must be greater than 0; got -1")]
    [InlineData(Ws + ".stages.dev.throttle", Throttle11, F + Ws + ".stages.dev.throttle: a throttle applies to REST API stages only; WebSocket messages are not throttled")]
    // limits
    [InlineData(Limits + ".maxMessageBytes", "0", F + Limits + ".maxMessageBytes: must be at least 1; got 0")]
    [InlineData(Limits + ".idleTimeoutSeconds", "0", F + Limits + ".idleTimeoutSeconds: must be at least 1; got 0")]
    [InlineData(Limits + ".maxConnectionLifetimeSeconds", "-5", F + Limits + ".maxConnectionLifetimeSeconds: must be at least 1; got -5")]
    [InlineData(Limits + ".keepAliveIntervalSeconds", "-1", F + Limits + ".keepAliveIntervalSeconds: must be at least 0 (0 turns pings off); got -1")]
    [InlineData(Limits + ".outboundQueueMessages", "0", F + Limits + ".outboundQueueMessages: must be at least 1; got 0")]
    [InlineData(Limits + ".inboundQueueMessages", "0", F + Limits + ".inboundQueueMessages: must be at least 1; got 0")]
    [InlineData(Limits + ".messageAssemblySeconds", "0", F + Limits + ".messageAssemblySeconds: must be at least 1; got 0")]
    [InlineData(Limits + ".maxMessageFragments", "0", F + Limits + ".maxMessageFragments: must be at least 1; got 0")]
    [InlineData(Limits + ".handshakeTimeoutSeconds", "0", F + Limits + ".handshakeTimeoutSeconds: must be at least 1; got 0")]
    [InlineData(Limits + ".maxConnections", "0", F + Limits + ".maxConnections: must be at least 1; got 0")]
    [InlineData(Limits + ".maxConnectionsPerIp", "0", F + Limits + ".maxConnectionsPerIp: must be at least 1; got 0")]
    [InlineData(Limits + ".trustedProxies", "[\"10.0.0.1\", \"lb.internal\"]", F + Limits + ".trustedProxies[1]: 'lb.internal' is not an IP address or network; expected e.g. 10.0.0.5, 10.0.0.0/8 or fd00::/8")]
    [InlineData(Limits + ".outboundQueueBytes", "0", F + Limits + ".outboundQueueBytes: must be at least 1; got 0")]
    [InlineData(Limits + ".outboundQueueBytes", "1000", F + Limits + ".outboundQueueBytes: must be at least maxMessageBytes (131072), so that a message of the largest size can be queued; got 1000")]
    [InlineData(Limits + ".binaryFrames", "\"drop\"", F + Limits + ".binaryFrames: unknown binaryFrames 'drop'; expected one of accept, reject")]
    [InlineData(Limits + ".binaryFrames", "\"\"", F + Limits + ".binaryFrames: a binaryFrames is required; expected one of accept, reject")]
    [InlineData(Limits + ".shutdownDrainSeconds", "26", F + Limits + ".shutdownDrainSeconds: must be from 0 to 25; got 26")]
    [InlineData(Limits + ".shutdownDrainSeconds", "-1", F + Limits + ".shutdownDrainSeconds: must be from 0 to 25; got -1")]
    // URLs
    [InlineData(Ws + ".stages.healthz", "{}", F + Ws + ".stages.healthz: URL '/healthz' is reserved for the gateway's own /healthz endpoint")]
    [InlineData(Ws + ".stages.readyz", "{}", F + Ws + ".stages.readyz: URL '/readyz' is reserved for the gateway's own /readyz endpoint")]
    public void SeedWithOneChange_ReportsExactlyThatError(string path, string value, params string[] expected)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), (path, value));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("$.webSocketApis[1]", """{ "name": "OutsystemsWebSocket", "basePath": "chat", "stages": { "dev": {} } }""",
        F + "$.webSocketApis[1].name: name 'OutsystemsWebSocket' is already used by $.webSocketApis[0]")]
    [InlineData("$.webSocketApis[1]", """{ "name": "Chat", "stages": { "dev": {} } }""",
        F + "$.webSocketApis[1].stages.dev: URL '/dev' collides with WebSocket API 'OutsystemsWebSocket' stage 'dev'")]
    [InlineData("$.webSocketApis[1]", """{ "name": "Chat", "basePath": "dev", "stages": { "receiver": {} } }""",
        F + "$.restApis[0].resources['/receiver']: URL '/dev/receiver' of stage 'dev' collides with WebSocket API 'Chat' stage 'receiver'")]
    [InlineData("$.restApis[1]", """{ "name": "OutsystemsClientReceiver", "basePath": "other", "stages": { "dev": {} }, "resources": { "/r": """ + ReceiverMethod + " } }",
        F + "$.restApis[1].name: name 'OutsystemsClientReceiver' is already used by $.restApis[0]")]
    [InlineData("$.restApis[1]", """{ "name": "Other", "stages": { "test": {} }, "resources": { "/other": """ + ReceiverMethod + " } }",
        F + "$.restApis[1].stages.test: URL '/test' collides with REST API 'OutsystemsClientReceiver' stage 'test'")]
    [InlineData("$.restApis[1]", """{ "name": "Other", "basePath": "dev", "stages": { "receiver": {} }, "resources": { "/": """ + ReceiverMethod + " } }",
        F + "$.restApis[1].resources['/']: URL '/dev/receiver' of stage 'receiver' collides with REST API 'OutsystemsClientReceiver' stage 'dev' resource '/receiver'")]
    public void SeedWithAnotherApi_ReportsCollisionsAndDuplicates(string path, string value, string expected)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), (path, value));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("""{ "name": "Chat", "basePath": "chat", "stages": { "dev": {} } }""", Get + ".webSocketApi", Remove,
        F + Get + ".webSocketApi: a webSocketApi is required when there are several WebSocket APIs; expected one of OutsystemsWebSocket, Chat")]
    [InlineData("""{ "name": "Chat", "basePath": "chat", "stages": { "dev": {} } }""", Get + ".webSocketApi", "\"Chat\"", null)]
    public void SeveralWebSocketApis_RestBroadcastMustNameOne(string secondApi, string path, string value, string? expected)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), ("$.webSocketApis[1]", secondApi), (path, value));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal(expected is null ? [] : [expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(Get + ".webSocketApi", Remove, F + Get + ".webSocketApi: broadcast needs a WebSocket API to send to, and none is defined")]
    [InlineData(Get + ".webSocketApi", "\"OutsystemsWebSocket\"", F + Get + ".webSocketApi: unknown WebSocket API 'OutsystemsWebSocket'; none is defined")]
    public void NoWebSocketApi_RestBroadcastHasNowhereToSend(string path, string value, string expected)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), ("$.webSocketApis", "[]"), (path, value));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(Ws + ".routeSelectionExpression", "\"$request.body.meta.action\"")]
    [InlineData(Ws + ".routeSelectionExpression", "\"${request.body.action}\"")]
    [InlineData(Ws + ".routeSelectionExpression", "\"${request.body.type}-${request.body.action}\"")]
    [InlineData(Ws + ".routeSelectionExpression", "\"onMessage\"")]
    [InlineData(Ws + ".routeSelectionExpression", "\"\\\\$default\"")]
    [InlineData(Ws + ".routes['$connect'].integration", Remove)]
    [InlineData(Ws + ".routes['$disconnect']", "{}")]
    [InlineData(Ws + ".routes['$default']", """{ "integration": { "type": "broadcast", "payload": "$request.body.text", "recipients": "all" } }""")]
    [InlineData(Ws + ".basePath", "\"apps/chat.v2\"")]
    [InlineData(Ws + ".stages.dev.variables", """{ "color_1": "blue" }""")]
    [InlineData(Ws + ".stages.Metrics", "{}")]
    [InlineData(OnMessage + ".secret", Remove)]
    [InlineData(OnMessage + ".recipients", Remove)]
    [InlineData(OnMessage + ".secret.fallback", Remove)]
    [InlineData(Get + ".requestParameters.programId", "\"method.request.querystring.progId\"")]
    [InlineData(Get + ".requestParameters.programId", "\"method.request.header.x-program-id\"")]
    [InlineData(Get + ".requestParameters.programId", "\"stageVariables.programId\"")]
    [InlineData(Get + ".requestParameters.programId", "\"'42'\"")]
    [InlineData(Get + ".messageFormat", "\"text\"")]
    [InlineData(Get + ".stageParameter", Remove)]
    [InlineData(Get + ".webSocketApi", Remove)]
    [InlineData(Rest + ".resources['/items/{id}']", """{ "methods": { "ANY": { "integration": { "type": "broadcast", "requestParameters": { "m": "method.request.path.id" }, "message": "m" } } } }""")]
    [InlineData(Plan + ".throttle", Remove)]
    [InlineData(Plan + ".quota", Remove)]
    [InlineData(Plan + ".quota.offset", "99999")]
    [InlineData("$.defaultUsagePlan", Remove)]
    [InlineData(Limits + ".keepAliveIntervalSeconds", "0")]
    [InlineData(Limits + ".shutdownDrainSeconds", "0")]
    [InlineData(Limits + ".binaryFrames", "\"reject\"")]
    [InlineData(Limits, "{}")]
    public void SeedWithAllowedChange_IsValid(string path, string value)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), (path, value));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Empty(result.Errors.Select(e => e.ToString()));
        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData("", "must not be empty; e.g. $request.body.action")]
    [InlineData("$request.body.", "invalid expression '$request.body.': '$request.body.' has an empty path segment; expected $request.body.NAME (nested: $request.body.A.B)")]
    [InlineData("$request.body", "invalid expression '$request.body': unsupported variable '$request.body'; expected $request.body.NAME or ${request.body.NAME} (write \\$ for a literal $)")]
    [InlineData("$request.header.action", "invalid expression '$request.header.action': unsupported variable '$request.header.action'; expected $request.body.NAME or ${request.body.NAME} (write \\$ for a literal $)")]
    [InlineData("${request.body.action", "invalid expression '${request.body.action': '${' at position 0 has no closing '}'")]
    [InlineData("route-$x", "invalid expression 'route-$x': unsupported variable '$x'; expected $request.body.NAME or ${request.body.NAME} (write \\$ for a literal $)")]
    [InlineData("v1-${request.query.a}", "invalid expression 'v1-${request.query.a}': unsupported variable '$request.query.a'; expected $request.body.NAME or ${request.body.NAME} (write \\$ for a literal $)")]
    [InlineData("$", "invalid expression '$': unsupported variable '$'; expected $request.body.NAME or ${request.body.NAME} (write \\$ for a literal $)")]
    public void InvalidRouteSelectionExpression_IsReported(string expression, string expected)
    {
        var json = JsonEdit.Apply(SeedDefinition.ToJson(SeedDefinition.Create()), (Ws + ".routeSelectionExpression", JsonSerializer.Serialize(expression)));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal([F + Ws + ".routeSelectionExpression: " + expected], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ResourcesWithTheSameShape_Collide()
    {
        var json = JsonEdit.Apply(
            SeedDefinition.ToJson(SeedDefinition.Create()),
            (Rest + ".resources['/items/{id}']", ReceiverMethod),
            (Rest + ".resources['/items/{key}']", ReceiverMethod),
            (Rest + ".resources['/items/special']", ReceiverMethod));

        var result = DefinitionLoader.LoadFromJson(json, "switchboard.json");

        Assert.Equal(
            [F + Rest + ".resources['/items/{key}']: resource '/items/{key}' matches the same URLs as '/items/{id}'"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_NamesTheGivenFileInEveryError()
    {
        var definition = SeedDefinition.Create() with { DefaultUsagePlan = "Gold", Limits = new LimitsDefinition { MaxMessageBytes = 0 } };

        var errors = DefinitionValidator.Validate(definition, "/etc/switchboard/gateway.json");

        Assert.Equal(
            [
                "/etc/switchboard/gateway.json: $.defaultUsagePlan: unknown usage plan 'Gold'; expected one of OutsystemsUsagePlan",
                "/etc/switchboard/gateway.json: $.limits.maxMessageBytes: must be at least 1; got 0",
            ],
            errors.Select(e => e.ToString()));
        Assert.Equal(new DefinitionError("/etc/switchboard/gateway.json", "$.defaultUsagePlan", "unknown usage plan 'Gold'; expected one of OutsystemsUsagePlan"), errors[0]);
    }
}
