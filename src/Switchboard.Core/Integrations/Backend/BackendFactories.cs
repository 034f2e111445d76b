using Microsoft.Extensions.Logging;
using Switchboard.Definition;
using Switchboard.Integrations.Catalog;
using Switchboard.Routing;
using Switchboard.Templates;

namespace Switchboard.Integrations.Backend;

/// <summary><c>lambda</c>: the AWS Lambda Invoke API, optionally signed with SigV4 for AWS itself.</summary>
internal sealed class LambdaFactory : BackendFactory
{
    private static readonly IReadOnlyList<string> LambdaSettings = ["endpoint", "function", "sign", .. CommonSettings];

    public override string Type => "lambda";

    public override IReadOnlyList<string> Settings(IntegrationPlacement placement) => LambdaSettings;

    protected override void ValidateTarget(IntegrationValidationContext context)
    {
        var integration = context.Integration;
        ValidateUrl(integration.Endpoint, "endpoint", "http://127.0.0.1:9001", context);
        if (string.IsNullOrEmpty(integration.Function))
        {
            context.Add(context.PathOf("function"), "a function is required: the name or ARN of the function to invoke");
        }
        else if (!integration.Function.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.' or '$'))
        {
            context.Add(context.PathOf("function"), $"invalid function '{integration.Function}'; expected a function name or ARN (letters, digits, '-', '_', ':', '.')");
        }
    }

    protected override IBackendTarget CreateTarget(IntegrationBuildContext context)
    {
        var integration = context.Integration;
        SigV4Signer? signer = null;
        if (integration.Sign == true)
        {
            signer = SigV4Signer.FromEnvironment(context.Services.Environment, integration.Endpoint!, "lambda", context.Services.Time)
                ?? throw new InvalidOperationException(
                    $"route {context.RouteKey} of {context.ApiName} signs its Lambda invokes (\"sign\": true), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
        }

        return new LambdaTarget(integration.Endpoint!, integration.Function!, signer);
    }
}

/// <summary><c>http</c>: a POST of the event to any web service.</summary>
internal sealed class HttpFactory : BackendFactory
{
    private static readonly IReadOnlyList<string> HttpSettings = ["uri", .. CommonSettings];

    public override string Type => "http";

    public override IReadOnlyList<string> Settings(IntegrationPlacement placement) => HttpSettings;

    protected override void ValidateTarget(IntegrationValidationContext context) =>
        ValidateUrl(context.Integration.Uri, "uri", "http://127.0.0.1:5000/events", context);

    protected override IBackendTarget CreateTarget(IntegrationBuildContext context) => new HttpTarget(context.Integration.Uri!);
}

/// <summary>What <c>lambda</c> and <c>http</c> share: allowed everywhere, a timeout, a concurrency limit and mapping templates.</summary>
internal abstract class BackendFactory : IIntegrationFactory
{
    public const int MaxTimeoutMilliseconds = 29_000;
    public const int MinTimeoutMilliseconds = 50;
    public const int DefaultMaxConcurrency = 256;
    public const int MaxMaxConcurrency = 10_000;
    public const string JsonContentType = "application/json";

    protected static readonly IReadOnlyList<string> CommonSettings = ["timeoutMilliseconds", "maxConcurrency", "requestTemplates"];

    public abstract string Type { get; }

    public abstract IReadOnlyList<string> Settings(IntegrationPlacement placement);

    public string? CheckPlacement(IntegrationPlacement placement, string routeKey) => null;

    public void Validate(IntegrationValidationContext context)
    {
        ValidateTarget(context);
        var integration = context.Integration;
        if (integration.TimeoutMilliseconds is { } timeout and (< MinTimeoutMilliseconds or > MaxTimeoutMilliseconds))
        {
            context.Add(context.PathOf("timeoutMilliseconds"), $"{timeout} is out of range; expected {MinTimeoutMilliseconds} to {MaxTimeoutMilliseconds} (API Gateway's limit is 29 seconds)");
        }

        if (integration.MaxConcurrency is { } concurrency and (< 1 or > MaxMaxConcurrency))
        {
            context.Add(context.PathOf("maxConcurrency"), $"{concurrency} is out of range; expected 1 to {MaxMaxConcurrency}");
        }

        foreach (var (contentType, text) in integration.RequestTemplates ?? new Dictionary<string, string>())
        {
            var templatePath = JsonPath.Property(context.PathOf("requestTemplates"), contentType);
            if (!string.Equals(contentType, JsonContentType, StringComparison.Ordinal))
            {
                context.Add(templatePath, $"unsupported content type '{contentType}'; only {JsonContentType} templates are used");
            }
            else if (!MappingTemplate.TryCompile(text, out _, out var error))
            {
                context.Add(templatePath, $"line {error!.Line}, column {error.Column}: {error.Message}");
            }
        }
    }

    public IRouteIntegration BuildRoute(IntegrationBuildContext context) =>
        new BackendRouteIntegration(CreateInvoker(context), ApiIds.For(context.ApiName), CompileTemplate(context), context.Services.Time);

    public IRestIntegration BuildRest(IntegrationBuildContext context) =>
        new BackendRestIntegration(CreateInvoker(context), ApiIds.For(context.ApiName), CompileTemplate(context), context.Services.Time);

    protected abstract void ValidateTarget(IntegrationValidationContext context);

    protected abstract IBackendTarget CreateTarget(IntegrationBuildContext context);

    protected static void ValidateUrl(string? value, string setting, string example, IntegrationValidationContext context)
    {
        if (string.IsNullOrEmpty(value))
        {
            context.Add(context.PathOf(setting), $"{(setting == "uri" ? "a uri" : "an " + setting)} is required; e.g. {example}");
        }
        else if (!System.Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            context.Add(context.PathOf(setting), $"'{value}' is not an http:// or https:// URL; e.g. {example}");
        }
    }

    private BackendInvoker CreateInvoker(IntegrationBuildContext context)
    {
        var integration = context.Integration;
        var timeout = TimeSpan.FromMilliseconds(integration.TimeoutMilliseconds ?? MaxTimeoutMilliseconds);
        return new BackendInvoker(
            CreateTarget(context),
            context.Services.Backend.Http,
            timeout,
            integration.MaxConcurrency ?? DefaultMaxConcurrency,
            context.Services.Loggers.CreateLogger<BackendInvoker>());
    }

    private static MappingTemplate? CompileTemplate(IntegrationBuildContext context)
    {
        if (context.Integration.RequestTemplates?.GetValueOrDefault(JsonContentType) is not { } text)
        {
            return null;
        }

        return MappingTemplate.TryCompile(text, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"template of {context.RouteKey}: line {error!.Line}, column {error.Column}: {error.Message}");
    }
}
