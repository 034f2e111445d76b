namespace Switchboard.Integrations.Backend;

/// <summary>Where a backend integration's event goes, and how its answer tells success from an error.</summary>
internal interface IBackendTarget
{
    /// <summary>For logs: the function or URL (never credentials).</summary>
    string Name { get; }

    HttpRequestMessage CreateRequest(byte[] payload);

    /// <summary>Whether a 2xx answer still reports a function error (Lambda's <c>X-Amz-Function-Error</c>).</summary>
    bool IsFunctionError(HttpResponseMessage response);
}
