using Switchboard.Connections;
using Switchboard.Groups;
using Switchboard.Routing;

namespace Switchboard.Integrations.Groups;

/// <summary>
/// <c>group.join</c> / <c>group.leave</c> on a message route. A message that names no valid group gets the
/// <c>Bad request body</c> frame; otherwise nothing goes back (one-way, as every route without a route response).
/// </summary>
internal sealed class GroupIntegration(GroupMembership membership, GroupReference group, bool join) : IRouteIntegration
{
    // The group store may wait (a SQLite write behind another process's lock): off the receive loop, in order.
    public bool RunsInline => false;

    public async ValueTask<RouteResult> InvokeAsync(RouteInvocation invocation, CancellationToken cancellationToken)
    {
        var connection = invocation.Connection;
        if (!group.TryResolve(invocation.Message.Span, out var name))
        {
            connection.TryEnqueue(ErrorFrames.Frame(ErrorFrames.BadRequestBody, connection.Id, ConnectionIds.New()));
            return RouteResult.Ok;
        }

        if (join)
        {
            await membership.JoinAsync(connection.Api, connection.Stage, name, connection.Id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await membership.LeaveAsync(connection.Api, connection.Stage, name, connection.Id, cancellationToken).ConfigureAwait(false);
        }

        return RouteResult.Ok;
    }
}
