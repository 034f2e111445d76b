namespace Switchboard.Integrations.Backend;

/// <summary>
/// The one HTTP client every <c>lambda</c> and <c>http</c> integration calls through: pooled keep-alive connections
/// per backend (a socket per call would cost a TCP handshake each and exhaust ports under load), recycled every two
/// minutes so a backend's DNS change is picked up. Timeouts are per call (each integration's own), not the client's.
/// </summary>
public sealed class BackendClient : IDisposable
{
    public BackendClient()
    {
        Http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    internal HttpClient Http { get; }

    public void Dispose() => Http.Dispose();
}
