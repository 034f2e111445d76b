using Microsoft.Extensions.Logging;
using Switchboard.Connections;
using Switchboard.Delivery;
using Switchboard.Groups;
using Switchboard.Integrations.Backend;
using Switchboard.Registry;

namespace Switchboard.Integrations.Catalog;

/// <summary>The gateway services integration runtimes are built with; one instance per process.</summary>
internal sealed record IntegrationServices(
    IMessageDelivery Delivery,
    RegistryWrites Registry,
    GroupMembership Groups,
    NodeIdentity Node,
    BackendClient Backend,
    Func<string, string?> Environment,
    TimeProvider Time,
    ILoggerFactory Loggers);
