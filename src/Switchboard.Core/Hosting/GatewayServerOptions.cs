using Microsoft.Extensions.Logging;
using Switchboard.Definition;

namespace Switchboard.Hosting;

/// <summary>How to run one gateway process: what <c>switchboard serve</c> resolves from its options and environment.</summary>
public sealed record GatewayServerOptions
{
    /// <summary>Listen addresses, separated by <c>;</c>. Default <c>http://127.0.0.1:8080</c>.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>The validated gateway definition. Default: the built-in seed setup.</summary>
    public GatewayDefinition Definition { get; init; } = SeedDefinition.Create();

    /// <summary>This node's id; null for host name and port.</summary>
    public string? NodeId { get; init; }

    /// <summary>Reads environment variables (secrets); replaceable in tests.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Write logs as JSON lines instead of text lines.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>Least severe log level written. Default Information.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;

    /// <summary>The certificate for <c>https://</c> addresses; null to use Kestrel's certificate settings, if any.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>Clock for timeouts and timestamps; replaceable in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
