namespace AspnetBackend;

/// <summary>
/// One handler per gateway route. The first three are the seed's Lambda functions (<c>saveClientConnection</c>,
/// <c>deleteClientConnection</c>, <c>broadcastMessage</c>); <c>echo</c> is a two-way route; <c>join</c> and <c>say</c>
/// use Switchboard's groups, which turn the seed's scan and one post per recipient into one call.
/// </summary>
public static class ChatRoutes
{
    /// <summary>The seed's shared secret.</summary>
    public const string Key = "1234";

    private static readonly ProxyResult Forbidden = new(403);

    /// <summary><c>$connect</c>: saveClientConnection.</summary>
    public static ProxyResult Connect(ProxyEvent e, ConnectionTable table)
    {
        table.Add(e.RequestContext.ConnectionId, e.RequestContext.Stage);
        return ProxyResult.Ok;
    }

    /// <summary><c>$disconnect</c>: deleteClientConnection.</summary>
    public static ProxyResult Disconnect(ProxyEvent e, ConnectionTable table)
    {
        table.Remove(e.RequestContext.ConnectionId);
        return ProxyResult.Ok;
    }

    /// <summary>
    /// <c>onMessage</c>: broadcastMessage. A wrong key answers 403, which the sender never sees (the route is one-way,
    /// as on AWS).
    /// </summary>
    public static async Task<ProxyResult> BroadcastMessageAsync(ProxyEvent e, ConnectionTable table, ManagementApiFactory management, CancellationToken cancel)
    {
        var body = ChatMessage.Parse(e.Body);
        if (body is null || !body.HasKey(Key))
        {
            return Forbidden;
        }

        if (body.MessageText is not { } message)
        {
            return new ProxyResult(400);
        }

        var api = management.For(e.RequestContext);
        var sender = e.RequestContext.ConnectionId;

        // The seed answers first and lets its posts run on; Lambda still waits for them before the invocation ends.
        // Awaiting them here keeps one sender's broadcasts in order, since the gateway sends a connection's next
        // message only after this answer.
        await Task.WhenAll(table.InStage(e.RequestContext.Stage)
            .Where(id => id != sender)
            .Select(id => PostOrForgetAsync(api, table, id, message, cancel)));
        return ProxyResult.Ok;
    }

    /// <summary><c>echo</c>, a two-way route: the answer's body goes back to the sender.</summary>
    public static ProxyResult Echo(ProxyEvent e) =>
        ChatMessage.Parse(e.Body)?.Text is { } text
            ? new ProxyResult(200, "echo: " + text)
            : new ProxyResult(400, "echo needs a \"text\" field");

    /// <summary><c>join</c> (two-way): <c>{"action":"join","room":"lobby"}</c> puts the sender in group <c>lobby</c>.</summary>
    public static async Task<ProxyResult> JoinRoomAsync(ProxyEvent e, ManagementApiFactory management, CancellationToken cancel)
    {
        if (ChatMessage.Parse(e.Body)?.Room is not { Length: > 0 } room)
        {
            return new ProxyResult(400, "join needs a \"room\" field");
        }

        try
        {
            await management.For(e.RequestContext).AddToGroupAsync(room, e.RequestContext.ConnectionId, cancel);
            return new ProxyResult(200, "joined " + room);
        }
        catch (ManagementApiException error) when (!error.IsGone)
        {
            // A bad group name: the gateway's 400 says which characters are allowed.
            return new ProxyResult((int)error.StatusCode, error.Body);
        }
    }

    /// <summary>
    /// <c>say</c>: <c>{"action":"say","room":"lobby","message":"hi"}</c> goes to every member of the room, the sender too
    /// when it is one, in one management call whatever the room's size.
    /// </summary>
    public static async Task<ProxyResult> SayAsync(ProxyEvent e, ManagementApiFactory management, CancellationToken cancel)
    {
        var body = ChatMessage.Parse(e.Body);
        if (body?.Room is not { Length: > 0 } room || body.MessageText is not { } message)
        {
            return new ProxyResult(400);
        }

        await management.For(e.RequestContext).SendToGroupAsync(room, message, cancel);
        return ProxyResult.Ok;
    }

    private static async Task PostOrForgetAsync(ManagementApiClient api, ConnectionTable table, string connectionId, string message, CancellationToken cancel)
    {
        try
        {
            await api.PostToConnectionAsync(connectionId, message, cancel);
        }
        catch (ManagementApiException error) when (error.IsGone)
        {
            // A client that went away without its $disconnect reaching us: drop the stale row, as AWS's samples do.
            table.Remove(connectionId);
        }
    }
}
