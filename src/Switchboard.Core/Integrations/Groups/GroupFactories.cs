using Switchboard.Groups;
using Switchboard.Integrations.Catalog;

namespace Switchboard.Integrations.Groups;

/// <summary><c>group.join</c>: the sender joins the group its message names (or a literal group).</summary>
internal sealed class GroupJoinFactory : GroupFactory
{
    public override string Type => "group.join";

    protected override bool Join => true;
}

/// <summary><c>group.leave</c>: the sender leaves the group its message names (or a literal group).</summary>
internal sealed class GroupLeaveFactory : GroupFactory
{
    public override string Type => "group.leave";

    protected override bool Join => false;
}

/// <summary>What the two group types share: one setting, <c>group</c>, on message routes only.</summary>
internal abstract class GroupFactory : IIntegrationFactory
{
    private static readonly IReadOnlyList<string> GroupSettings = ["group"];

    public abstract string Type { get; }

    protected abstract bool Join { get; }

    public IReadOnlyList<string> Settings(IntegrationPlacement placement) => GroupSettings;

    public string? CheckPlacement(IntegrationPlacement placement, string routeKey) => placement switch
    {
        IntegrationPlacement.Message => null,
        IntegrationPlacement.Rest => $"{Type} is only allowed on a WebSocket API's message routes, not on a REST method; use PUT or DELETE /{{stage}}/@groups/{{group}}/{{id}} there",
        IntegrationPlacement.Disconnect => $"{Type} is not allowed on the {routeKey} route; a closing connection leaves every group by itself",
        _ => $"{Type} is not allowed on the {routeKey} route; the connection can join a group from its first message",
    };

    public void Validate(IntegrationValidationContext context)
    {
        if (string.IsNullOrEmpty(context.Integration.Group))
        {
            context.Add(context.PathOf("group"), "a group is required: a literal name or a path like $request.body.room");
            return;
        }

        GroupReference.Validate(context.Integration.Group, context.PathOf("group"), context);
    }

    public IRouteIntegration BuildRoute(IntegrationBuildContext context) =>
        new GroupIntegration(context.Services.Groups, GroupReference.Parse(context.Integration.Group!), Join);

    public IRestIntegration BuildRest(IntegrationBuildContext context) => throw new InvalidOperationException($"{Type} has no REST form");
}
