namespace Switchboard.Access;

/// <summary>
/// A request as SigV4 sees it: the method, the path and query exactly as the client sent them (before any decoding),
/// its headers (a name gives every value joined with commas, or null) and its body.
/// </summary>
internal sealed record SignedRequest(string Method, string RawPath, string RawQuery, Func<string, string?> Header, ReadOnlyMemory<byte> Body);
