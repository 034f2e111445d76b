using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Endpoint = Amazon.Runtime.Endpoints.Endpoint;
using ServiceOperationEndpointParameters = Amazon.Runtime.Endpoints.ServiceOperationEndpointParameters;

namespace AspnetBackend;

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with AWS Signature Version 4 using AWSSDK.Core's own signer
/// (<see cref="AWS4Signer"/>), the code every AWS SDK for .NET client signs with. The request is described to it as a
/// service request of <c>execute-api</c>, the signing name of ApiGatewayManagementApi; the headers it computes are
/// copied onto the message.
/// </summary>
public static class SdkRequestSigner
{
    public const string Service = "execute-api";

    private static readonly AWS4Signer Signer = new();

    /// <param name="message">Its URI path must be encoded once, as the SDK sends it (<c>@</c> as <c>%40</c>): SigV4 signs the encoded path, encoded again.</param>
    public static void Sign(HttpRequestMessage message, byte[]? body, ManagementCredentials credentials, DateTime signedAt)
    {
        var uri = message.RequestUri ?? throw new ArgumentException("the request has no URI", nameof(message));
        var request = new DefaultRequest(new SignedRequest(), "ApiGatewayManagementApi")
        {
            HttpMethod = message.Method.Method,
            Endpoint = new Uri(uri.GetLeftPart(UriPartial.Authority)),
            ResourcePath = Uri.UnescapeDataString(uri.AbsolutePath),
            Content = body ?? [],
            AuthenticationRegion = credentials.Region,
            OverrideSigningServiceName = Service,
        };
        if (message.Content?.Headers.ContentType is { } contentType)
        {
            request.Headers["Content-Type"] = contentType.ToString();
        }

        if (credentials.SessionToken is { } token)
        {
            request.Headers["X-Amz-Security-Token"] = token;
        }

        var config = new SigningConfig(credentials.Region, uri.GetLeftPart(UriPartial.Authority));
        var result = Signer.SignRequest(request, config, new RequestMetrics(), credentials.AccessKeyId, credentials.SecretAccessKey, signedAt);

        foreach (var (name, value) in request.Headers)
        {
            // Host and Content-Type travel as HttpClient writes them; the signer computed them from the same values.
            if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    private sealed class SignedRequest : AmazonWebServiceRequest;

    /// <summary>The least client configuration the signer reads: region and service name.</summary>
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig(string region, string serviceUrl)
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard }]))
        {
            AuthenticationRegion = region;
            AuthenticationServiceName = Service;
            ServiceURL = serviceUrl;
        }

        public override string ServiceVersion => "2018-11-29";

        public override string UserAgent => "aspnet-backend";

        public override string RegionEndpointServiceName => Service;

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) => new(ServiceURL);
    }
}
