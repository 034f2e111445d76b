namespace Switchboard.Auth;

/// <summary>An API key as stored: never its value, only a salted hash of it.</summary>
/// <param name="Name">Unique name given at creation.</param>
/// <param name="Plan">Usage plan name, or null for none.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
public sealed record ApiKeyRecord(string Name, string? Plan, DateTimeOffset CreatedAt);

/// <summary>Thrown by <see cref="IApiKeyStore.CreateAsync"/> when the name or the value is already in use.</summary>
public sealed class ApiKeyConflictException(string message) : Exception(message);
