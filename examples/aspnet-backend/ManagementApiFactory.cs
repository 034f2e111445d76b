namespace AspnetBackend;

/// <summary>
/// Builds the management client for the stage an event came from, as the seed's <c>init(event)</c> does with
/// <c>new AWS.ApiGatewayManagementApi({endpoint: domainName + '/' + stage})</c>.
/// </summary>
public sealed class ManagementApiFactory(HttpClient http, ManagementCredentials credentials, TimeProvider time)
{
    public ManagementApiClient For(RequestContext context) =>
        new(http, new Uri($"http://{context.DomainName}/{context.Stage}"), credentials, time);
}
