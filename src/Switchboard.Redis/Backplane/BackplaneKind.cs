namespace Switchboard.Redis.Backplane;

/// <summary>What a message on the backplane asks of the node that receives it (the first byte of every message).</summary>
internal enum BackplaneKind : byte
{
    /// <summary>Queue the frame for one connection this node holds; answer with a status.</summary>
    SendToConnection = 1,

    /// <summary>Hand the frame to this node's connections of a stage; answer with a count when asked to.</summary>
    SendToAll = 2,

    /// <summary>Hand the frame to this node's members of a group; answer with a count when asked to.</summary>
    SendToGroup = 3,

    /// <summary>Put a connection this node holds in a group (and record it in the group store).</summary>
    AddToGroup = 4,

    /// <summary>Take a connection this node holds out of a group.</summary>
    RemoveFromGroup = 5,

    /// <summary>Begin closing a connection this node holds.</summary>
    Close = 6,

    /// <summary>Describe a connection this node holds.</summary>
    Describe = 7,

    /// <summary>An answer to one of the above, for the node that asked.</summary>
    Reply = 8,
}
