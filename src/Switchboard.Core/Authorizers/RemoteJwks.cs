using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Authorizers;

/// <summary>
/// A JWKS URL's keys (an identity provider's <c>jwks_uri</c>), fetched at start and cached. A handshake that finds the
/// keys <see cref="RefreshInterval"/> old starts a refresh and goes on with them; one whose <c>kid</c> is unknown (the
/// provider rotated its keys) or that finds no keys at all waits for a fetch, begun at most once per
/// <see cref="MinimumFetchGap"/> so tokens with made-up <c>kid</c>s cannot hammer the provider. Refreshing on use rather
/// than on a timer leaves nothing running once a reload drops this authorizer. A failed fetch keeps the keys there were;
/// with none, tokens are refused (401) until a fetch succeeds. All times are on the gateway's TimeProvider.
/// </summary>
internal sealed partial class RemoteJwks : IJwtKeys
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinimumFetchGap = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Far above any provider's key set (a few KiB), low enough that a wrong URL cannot fill memory.</summary>
    public const int MaxBytes = 1024 * 1024;

    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private volatile JwtKeySet? _keys;
    private Task? _fetch;
    private long _fetchStarted;
    private bool _failing;

    private RemoteJwks(Uri url, HttpClient http, TimeProvider time, ILogger logger)
    {
        _url = url;
        _http = http;
        _time = time;
        _logger = logger;
    }

    /// <summary>Begins the first fetch; handshakes that arrive before it ends wait for it.</summary>
    public static RemoteJwks Start(Uri url, HttpClient http, TimeProvider time, ILogger<RemoteJwks> logger)
    {
        var jwks = new RemoteJwks(url, http, time, logger);
        lock (jwks._lock)
        {
            jwks.BeginFetch();
        }

        return jwks;
    }

    public async ValueTask<IReadOnlyList<SecurityKey>> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var found = _keys?.Find(keyId);
        if (found is { Count: > 0 })
        {
            lock (_lock)
            {
                if (_fetch is null && _time.GetElapsedTime(_fetchStarted) >= RefreshInterval)
                {
                    BeginFetch();
                }
            }

            return found;
        }

        Task? fetch;
        lock (_lock)
        {
            fetch = _fetch ?? (_time.GetElapsedTime(_fetchStarted) >= MinimumFetchGap ? BeginFetch() : null);
        }

        if (fetch is not null)
        {
            await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return _keys?.Find(keyId) ?? [];
    }

    /// <summary>Starts a fetch; the caller holds <see cref="_lock"/>. The task never faults: a failure is logged and the old keys stay.</summary>
    private Task BeginFetch()
    {
        _fetchStarted = _time.GetTimestamp();
        // The fetch's last step takes the lock this caller holds, so it cannot clear _fetch before this assignment.
        return _fetch = Task.Run(FetchAsync);
    }

    private async Task FetchAsync()
    {
        string? failure = null;
        try
        {
            var keys = JwtKeySet.FromJwks(JwtKeySources.ParseJwks(await DownloadAsync().ConfigureAwait(false)));
            _keys = keys;
            LogFetched(_logger, _url, keys.Count);
        }
        catch (OperationCanceledException)
        {
            failure = $"no answer within {FetchTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex)
        {
            // An HTTP or network error, or a body that is not a usable JWKS; any other failure must not leave the fetch
            // looking under way, or every later handshake would wait on it.
            failure = ex.Message;
        }

        bool wasFailing;
        lock (_lock)
        {
            _fetch = null;
            wasFailing = _failing;
            _failing = failure is not null;
        }

        if (failure is not null && !wasFailing)
        {
            LogFetchFailed(_logger, _url, failure);
        }
        else if (failure is not null)
        {
            LogFetchFailedAgain(_logger, _url, failure);
        }
        else if (wasFailing)
        {
            LogRecovered(_logger, _url);
        }
    }

    private async Task<string> DownloadAsync()
    {
        using var timeout = new CancellationTokenSource(FetchTimeout, _time);
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            throw new InvalidDataException($"larger than {MaxBytes} bytes");
        }

        using var body = new MemoryStream();
        var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > MaxBytes)
                {
                    throw new InvalidDataException($"larger than {MaxBytes} bytes");
                }

                body.Write(buffer, 0, read);
            }
        }

        return System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning,
        Message = "Could not fetch the JWKS at {Url}: {Reason}. Keys fetched before stay in use; with none, every token is refused (401). Further failures are logged at Debug until a fetch succeeds")]
    private static partial void LogFetchFailed(ILogger logger, Uri url, string reason);

    [LoggerMessage(EventId = 801, Level = LogLevel.Debug, Message = "Could not fetch the JWKS at {Url} again: {Reason}")]
    private static partial void LogFetchFailedAgain(ILogger logger, Uri url, string reason);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "The JWKS at {Url} can be fetched again")]
    private static partial void LogRecovered(ILogger logger, Uri url);

    [LoggerMessage(EventId = 803, Level = LogLevel.Debug, Message = "Fetched {Count} keys from the JWKS at {Url}")]
    private static partial void LogFetched(ILogger logger, Uri url, int count);
}
