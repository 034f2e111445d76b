using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Functional;

/// <summary>The <c>@groups</c> calls the group tests make, each asserting its status.</summary>
internal static class GroupHttp
{
    public static string UniqueGroup(string prefix = "room") => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task JoinAsync(GatewayServer server, string group, string connectionId, string stage = "dev")
    {
        using var response = await server.SendAsync(HttpMethod.Put, $"/{stage}/@groups/{group}/{connectionId}");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"PUT {group}/{connectionId}: expected 204, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<string[]> ListAsync(GatewayServer server, string group, string stage = "dev")
    {
        using var response = await server.SendAsync(HttpMethod.Get, $"/{stage}/@groups/{group}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("connections").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>POSTs <paramref name="text"/> to <paramref name="path"/> and returns the <c>sent</c> count of the 200 answer.</summary>
    public static async Task<int> SendAsync(GatewayServer server, string path, string text)
    {
        using var response = await server.SendAsync(HttpMethod.Post, path, body: Encoding.UTF8.GetBytes(text));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: expected 200, got {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["sent"], json.RootElement.EnumerateObject().Select(p => p.Name));
        return json.RootElement.GetProperty("sent").GetInt32();
    }
}
