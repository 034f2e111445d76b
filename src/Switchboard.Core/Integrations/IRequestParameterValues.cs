namespace Switchboard.Integrations;

/// <summary>
/// The parts of a REST request that request parameter mapping (<c>RequestParameterSource</c>) reads, kept apart from
/// ASP.NET Core so the mapping is testable alone; the host adapts its request to it. Each method returns null when the
/// request has no such value.
/// </summary>
public interface IRequestParameterValues
{
    /// <summary>The path parameter <paramref name="name"/> (case-sensitive, as route templates are).</summary>
    string? Path(string name);

    /// <summary>The query string parameter <paramref name="name"/> (case-sensitive, as in API Gateway); the first when repeated.</summary>
    string? Query(string name);

    /// <summary>The header <paramref name="name"/>, looked up case-insensitively as HTTP requires.</summary>
    string? Header(string name);

    /// <summary>The stage variable <paramref name="name"/> of the stage that received the request.</summary>
    string? StageVariable(string name);
}
