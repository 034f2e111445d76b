using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A logger provider that keeps every record a server logs, for tests that count log lines.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _records = new();

    public IReadOnlyList<CapturedLog> Records => [.. _records];

    /// <summary>Records of one event id from a category whose name ends with <paramref name="categorySuffix"/>.</summary>
    public int Count(string categorySuffix, int eventId) =>
        _records.Count(r => r.EventId == eventId && r.Category.EndsWith(categorySuffix, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Enqueue(new CapturedLog(category, logLevel, eventId.Id, formatter(state, exception)));
    }
}

/// <summary>One logged record.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, int EventId, string Message);
