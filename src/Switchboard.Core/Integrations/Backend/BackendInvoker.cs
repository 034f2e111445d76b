using Microsoft.Extensions.Logging;

namespace Switchboard.Integrations.Backend;

/// <summary>
/// One backend integration's calls: at most <c>maxConcurrency</c> in flight (more wait their turn within their own
/// timeout, so one slow backend queues its own callers and nobody else's), each bounded by the timeout, and each
/// answer read whole (up to Lambda's 6 MB response limit) or classed as an error.
/// </summary>
internal sealed partial class BackendInvoker(
    IBackendTarget target,
    HttpClient http,
    TimeSpan timeout,
    int maxConcurrency,
    ILogger logger,
    IReadOnlySet<int>? answerStatuses = null)
{
    /// <summary>Lambda's synchronous response limit; a bigger answer is an integration error, not a memory spike.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);

    // A failing backend is logged once when it starts failing and once when it recovers, not once per call (a dead
    // backend behind a busy route would otherwise flood the log); the calls in between log at Debug.
    private int _failing;

    public string TargetName => target.Name;

    public async Task<BackendAnswer> InvokeAsync(byte[] payload, string requestId, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;
        var entered = false;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            entered = true;
            using var request = target.CreateRequest(payload);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && answerStatuses is not null && answerStatuses.Contains((int)response.StatusCode))
            {
                // A status that is an answer for this caller (an authorizer's 401 or 403), not a backend failing.
                if (Interlocked.Exchange(ref _failing, 0) == 1)
                {
                    LogRecovered(logger, target.Name);
                }

                return BackendAnswer.Failed with { Status = (int)response.StatusCode };
            }

            if (!response.IsSuccessStatusCode)
            {
                if (StartsFailing())
                {
                    LogStatus(logger, target.Name, (int)response.StatusCode, requestId);
                }

                LogFailedCall(logger, target.Name, requestId);
                return BackendAnswer.Failed with { Status = (int)response.StatusCode };
            }

            // Any answer at all means the backend is reachable again.
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                LogRecovered(logger, target.Name);
            }

            if (target.IsFunctionError(response))
            {
                // A function that throws is the function's failure, not the backend's: logged for every call.
                LogFunctionError(logger, target.Name, requestId);

                // The error itself ({"errorMessage": ...}): an authorizer that throws "Unauthorized" means 401.
                return new BackendAnswer(RouteOutcome.Failed, await ReadBoundedAsync(response.Content, token).ConfigureAwait(false)) { IsFunctionError = true };
            }

            var body = await ReadBoundedAsync(response.Content, token).ConfigureAwait(false);
            if (body is null)
            {
                LogTooLarge(logger, target.Name, MaxResponseBytes, requestId);
                return BackendAnswer.Failed;
            }

            return new BackendAnswer(RouteOutcome.Completed, body);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (StartsFailing())
            {
                LogTimedOut(logger, target.Name, (int)timeout.TotalMilliseconds, requestId);
            }

            LogFailedCall(logger, target.Name, requestId);
            return BackendAnswer.TimedOut;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up (the connection was aborted, or the server's drain time ran out): no answer for anyone.
            return BackendAnswer.Failed;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            // Refused, reset mid-answer, or the connect attempt timed out (the handler's own cancellation): unreachable.
            if (StartsFailing())
            {
                LogUnreachable(logger, ex, target.Name, requestId);
            }

            LogFailedCall(logger, target.Name, requestId);
            return BackendAnswer.Failed;
        }
        finally
        {
            if (entered)
            {
                _slots.Release();
            }
        }
    }

    private bool StartsFailing() => Interlocked.Exchange(ref _failing, 1) == 0;

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken token)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Backend {Target} answered {Status} (request {RequestId}); further failures are logged at Debug until it answers again")]
    private static partial void LogStatus(ILogger logger, string target, int status, string requestId);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Function {Target} failed (X-Amz-Function-Error; request {RequestId})")]
    private static partial void LogFunctionError(ILogger logger, string target, string requestId);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Backend {Target} did not answer within {TimeoutMs} ms (request {RequestId}); further failures are logged at Debug until it answers again")]
    private static partial void LogTimedOut(ILogger logger, string target, int timeoutMs, string requestId);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Backend {Target} could not be reached (request {RequestId}); further failures are logged at Debug until it answers again")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string target, string requestId);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Backend {Target} answers again")]
    private static partial void LogRecovered(ILogger logger, string target);

    [LoggerMessage(EventId = 606, Level = LogLevel.Debug, Message = "Call to backend {Target} failed (request {RequestId})")]
    private static partial void LogFailedCall(ILogger logger, string target, string requestId);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Backend {Target} answered more than {Limit} bytes (request {RequestId})")]
    private static partial void LogTooLarge(ILogger logger, string target, int limit, string requestId);
}

/// <summary>
/// A backend's answer: how the call ended and, when it completed, the body; for a function error, the error's body;
/// for an HTTP error answer, its status.
/// </summary>
internal readonly record struct BackendAnswer(RouteOutcome Outcome, byte[]? Body)
{
    /// <summary>The status of a backend's non-2xx answer; 0 otherwise.</summary>
    public int Status { get; init; }

    /// <summary>Whether a Lambda function threw (<c>X-Amz-Function-Error</c>); <see cref="Body"/> is then its error.</summary>
    public bool IsFunctionError { get; init; }

    public static BackendAnswer Failed => new(RouteOutcome.Failed, null);

    public static BackendAnswer TimedOut => new(RouteOutcome.TimedOut, null);
}
