using System.Text.Json;

namespace AspnetBackend;

/// <summary>The fields of API Gateway's WebSocket Lambda proxy event this backend reads; the rest are ignored.</summary>
public sealed record ProxyEvent(RequestContext RequestContext, string? Body);

/// <summary><c>requestContext</c>: who sent the event, and the stage whose callback URL answers for it.</summary>
public sealed record RequestContext(string ConnectionId, string Stage, string DomainName, string RouteKey, string EventType);

/// <summary>A Lambda proxy result. On a two-way route a non-empty <see cref="Body"/> goes back to the sender.</summary>
public sealed record ProxyResult(int StatusCode, string? Body = null)
{
    public static readonly ProxyResult Ok = new(200);
}

/// <summary>A chat message as clients send it: <c>{"action":"onMessage","message":"hello","key":"1234"}</c>.</summary>
public sealed record ChatMessage(string? Action, JsonElement? Message, JsonElement? Key, string? Room, string? Text)
{
    /// <summary>The body of a MESSAGE event, or null when it is not a JSON object.</summary>
    public static ChatMessage? Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ChatMessage>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The seed checks <c>body.key == '1234'</c>, JavaScript's loose equality, so the number 1234 passes as well as the
    /// string.
    /// </summary>
    public bool HasKey(string secret) => Key switch
    {
        { ValueKind: JsonValueKind.String } key => key.GetString() == secret,
        { ValueKind: JsonValueKind.Number } key => key.GetRawText() == secret,
        _ => false,
    };

    /// <summary>The text to send: a string as itself, any other JSON value as its JSON text (the seed's <c>`${data}`</c> of a parsed value is close to this for numbers and booleans).</summary>
    public string? MessageText => Message switch
    {
        null or { ValueKind: JsonValueKind.Undefined or JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } message => message.GetString(),
        { } message => message.GetRawText(),
    };
}
