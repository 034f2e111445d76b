using System.Text.Json.Serialization;

namespace Switchboard.Management;

/// <summary>The answer of <c>GET /{stage}/@groups/{group}</c>.</summary>
internal sealed record GroupListing([property: JsonPropertyName("connections")] IReadOnlyList<string> Connections);

[JsonSerializable(typeof(GroupListing))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext
{
}
