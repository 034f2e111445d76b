using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Definition;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The user's code, for tests: a real Kestrel server on a free loopback port that plays the AWS Lambda Invoke API
/// (<c>POST /2015-03-31/functions/{name}/invocations</c>) and any plain HTTP backend (<c>POST /any/path</c>). Every
/// request is recorded and answered by the handler set for its target (the function name, or the path for plain
/// HTTP); without one the answer is 200 <c>null</c>, as a function returning nothing.
/// </summary>
public sealed class BackendServer : IAsyncDisposable
{
    private const string InvokePrefix = "/2015-03-31/functions/";
    private const string InvokeSuffix = "/invocations";

    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, Func<RecordedRequest, Task<BackendReply>>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _maxInFlight = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BackendServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash: a <c>lambda</c> integration's <c>endpoint</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The base address as text, as a definition takes it.</summary>
    public string Endpoint => BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<BackendServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        BackendServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new BackendServer(app, new Uri(address));
        return server;
    }

    /// <summary>A URL on this server for an <c>http</c> integration's <c>uri</c>.</summary>
    public string Url(string path) => Endpoint + (path.StartsWith('/') ? path : "/" + path);

    /// <summary>Sets how <paramref name="target"/> (a function name, or a plain HTTP path such as <c>/events</c>) answers.</summary>
    public void Handle(string target, Func<RecordedRequest, Task<BackendReply>> handler) => _handlers[target] = handler;

    /// <summary>Sets a fixed answer for <paramref name="target"/>.</summary>
    public void Handle(string target, BackendReply reply) => _handlers[target] = _ => Task.FromResult(reply);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests to <paramref name="target"/> so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string target) => [.. Requests.Where(r => r.Target == target)];

    /// <summary>The most requests to <paramref name="target"/> that were being answered at once.</summary>
    public int MaxInFlight(string target) => _maxInFlight.GetValueOrDefault(target);

    /// <summary>Waits until <paramref name="count"/> requests to <paramref name="target"/> (any target when null) have arrived; returns them all.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null, string? target = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TestWebSocket.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var matching = _requests.Where(r => target is null || r.Target == target).ToList();
                if (matching.Count >= count)
                {
                    return matching;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join(", ", Requests.Select(r => r.Target));
                throw new TimeoutException($"expected {count} requests{(target is null ? "" : " to " + target)} within the timeout; saw: [{seen}]");
            }
        }
    }

    /// <summary>The single request to <paramref name="target"/>, once it has arrived; fails if there is more than one.</summary>
    public async Task<RecordedRequest> WaitForSingleAsync(string target, TimeSpan? timeout = null) =>
        Assert.Single(await WaitForRequestsAsync(1, timeout, target));

    /// <summary>A loopback URL nobody listens on: a port that was free a moment ago.</summary>
    public static string ClosedEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var target = path.StartsWith(InvokePrefix, StringComparison.Ordinal) && path.EndsWith(InvokeSuffix, StringComparison.Ordinal)
            ? Uri.UnescapeDataString(path[InvokePrefix.Length..^InvokeSuffix.Length])
            : path;

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var text = Encoding.UTF8.GetString(body.ToArray());
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(target, path, context.Request.Method, headers, text, ParseJson(text), _clock.Elapsed);

        var inFlight = _inFlight.AddOrUpdate(target, 1, static (_, n) => n + 1);
        _maxInFlight.AddOrUpdate(target, inFlight, (_, max) => Math.Max(max, inFlight));
        lock (_lock)
        {
            _requests.Add(request);
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            var handler = _handlers.GetValueOrDefault(target);
            var reply = handler is null ? BackendReply.Json("null") : await handler(request);
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }

            context.Response.StatusCode = reply.StatusCode;
            foreach (var (name, value) in reply.Headers)
            {
                context.Response.Headers[name] = value;
            }

            request.AnsweredAt = _clock.Elapsed;
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(reply.Body), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The gateway gave up (a timeout, or it is stopping).
        }
        finally
        {
            _inFlight.AddOrUpdate(target, 0, static (_, n) => n - 1);
        }
    }

    private static JsonElement? ParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// One request the backend received. <see cref="Target"/> is the function name of a Lambda invoke, or the path of a
/// plain HTTP request; times are on the backend's own monotonic clock.
/// </summary>
public sealed record RecordedRequest(
    string Target,
    string Path,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    JsonElement? Json,
    TimeSpan ArrivedAt)
{
    /// <summary>When the handler's answer started to go out; null while it is pending or when it never did.</summary>
    public TimeSpan? AnsweredAt { get; set; }

    /// <summary>The body as JSON; fails the test when it is not.</summary>
    public JsonElement Event => Json ?? throw new Xunit.Sdk.XunitException($"the backend got a body that is not JSON: {Body}");
}

/// <summary>What the backend answers: a status, headers and a body, sent after an optional delay.</summary>
public sealed record BackendReply(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Delay = default)
{
    private static readonly IReadOnlyDictionary<string, string> JsonHeaders = new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    /// <summary>A 200 with a JSON body (a function's return value, as the Invoke API sends it).</summary>
    public static BackendReply Json(string json, int statusCode = 200) => new(statusCode, JsonHeaders, json);

    /// <summary>A Lambda proxy result: <c>{"statusCode":..,"headers":{..},"body":".."}</c>, omitting what is null.</summary>
    public static BackendReply Proxy(int statusCode, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var result = new Dictionary<string, object> { ["statusCode"] = statusCode };
        if (headers is not null)
        {
            result["headers"] = headers;
        }

        if (body is not null)
        {
            result["body"] = body;
        }

        return Json(JsonSerializer.Serialize(result));
    }

    /// <summary>A function that threw, as the Invoke API reports it: 200 with <c>X-Amz-Function-Error: Unhandled</c>.</summary>
    public static BackendReply FunctionError() => new(
        200,
        new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Amz-Function-Error"] = "Unhandled" },
        "{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}");

    /// <summary>A reply of any status with a raw body.</summary>
    public static BackendReply Raw(int statusCode, string body, string contentType = "text/plain") =>
        new(statusCode, new Dictionary<string, string> { ["Content-Type"] = contentType }, body);

    public BackendReply After(TimeSpan delay) => this with { Delay = delay };
}

/// <summary>Definitions whose routes and methods call a <see cref="BackendServer"/>.</summary>
public static class BackendDefinitions
{
    public const string Stage = "dev";
    public const string WebSocketApiName = "BackendTests";

    /// <summary>A <c>lambda</c> integration invoking <paramref name="function"/> on <paramref name="backend"/>.</summary>
    public static IntegrationDefinition Lambda(BackendServer backend, string function, int? timeoutMilliseconds = null) =>
        LambdaAt(backend.Endpoint, function, timeoutMilliseconds);

    /// <summary>A <c>lambda</c> integration on any endpoint (a closed port, for instance).</summary>
    public static IntegrationDefinition LambdaAt(string endpoint, string function, int? timeoutMilliseconds = null) =>
        new() { Type = "lambda", Endpoint = endpoint, Function = function, TimeoutMilliseconds = timeoutMilliseconds };

    /// <summary>An <c>http</c> integration posting to <paramref name="path"/> on <paramref name="backend"/>.</summary>
    public static IntegrationDefinition Http(BackendServer backend, string path, int? timeoutMilliseconds = null) =>
        new() { Type = "http", Uri = backend.Url(path), TimeoutMilliseconds = timeoutMilliseconds };

    /// <summary>A route; two-way (<c>routeResponseSelectionExpression: $default</c>) when <paramref name="twoWay"/>.</summary>
    public static RouteDefinition Route(IntegrationDefinition integration, bool twoWay = false) =>
        new() { Integration = integration, RouteResponseSelectionExpression = twoWay ? "$default" : null };

    /// <summary>One WebSocket API on stage <c>dev</c> (routes selected by <c>$request.body.action</c>) and nothing else.</summary>
    public static GatewayDefinition WebSocket(IReadOnlyDictionary<string, RouteDefinition> routes, Func<LimitsDefinition, LimitsDefinition>? limits = null) => new()
    {
        WebSocketApis =
        [
            new WebSocketApiDefinition
            {
                Name = WebSocketApiName,
                Stages = new Dictionary<string, StageDefinition> { [Stage] = new() },
                Routes = routes,
            },
        ],
        Limits = limits is null ? new LimitsDefinition() : limits(new LimitsDefinition()),
    };

    /// <summary>
    /// The usual lambda wiring: <c>$connect</c>, <c>$disconnect</c> and <c>$default</c> invoke functions named
    /// <c>{prefix}-connect</c>, <c>{prefix}-disconnect</c> and <c>{prefix}-default</c>.
    /// </summary>
    public static GatewayDefinition LambdaLifecycle(BackendServer backend, string prefix, bool twoWayDefault = false, int? timeoutMilliseconds = null, Func<LimitsDefinition, LimitsDefinition>? limits = null) =>
        WebSocket(
            new Dictionary<string, RouteDefinition>
            {
                ["$connect"] = Route(Lambda(backend, prefix + "-connect", timeoutMilliseconds)),
                ["$disconnect"] = Route(Lambda(backend, prefix + "-disconnect", timeoutMilliseconds)),
                ["$default"] = Route(Lambda(backend, prefix + "-default", timeoutMilliseconds), twoWayDefault),
            },
            limits);

    /// <summary>One REST API on stage <c>dev</c> with one method.</summary>
    public static GatewayDefinition Rest(string resource, string method, IntegrationDefinition integration, IReadOnlyDictionary<string, string>? stageVariables = null) => new()
    {
        RestApis =
        [
            new RestApiDefinition
            {
                Name = "BackendRest",
                Stages = new Dictionary<string, StageDefinition> { [Stage] = new() { Variables = stageVariables ?? new Dictionary<string, string>() } },
                Resources = new Dictionary<string, RestResourceDefinition>
                {
                    [resource] = new() { Methods = new Dictionary<string, RestMethodDefinition> { [method] = new() { Integration = integration } } },
                },
            },
        ],
    };
}
