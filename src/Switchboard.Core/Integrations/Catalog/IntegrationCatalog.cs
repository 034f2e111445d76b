using Switchboard.Integrations.Backend;
using Switchboard.Integrations.Broadcast;
using Switchboard.Integrations.Groups;
using Switchboard.Integrations.Registry;

namespace Switchboard.Integrations.Catalog;

/// <summary>The integration types this build knows, in the order error messages list them.</summary>
internal sealed class IntegrationCatalog
{
    private readonly Dictionary<string, IIntegrationFactory> _byType;

    public IntegrationCatalog(IEnumerable<IIntegrationFactory> factories)
    {
        Factories = [.. factories];
        _byType = Factories.ToDictionary(static f => f.Type, StringComparer.Ordinal);
    }

    /// <summary>Every built-in type. Validation is static (it runs before any service exists), so it reads this one.</summary>
    public static IntegrationCatalog Default { get; } = new(
    [
        new RegistrySaveFactory(),
        new RegistryDeleteFactory(),
        new BroadcastFactory(),
        new LambdaFactory(),
        new HttpFactory(),
        new GroupJoinFactory(),
        new GroupLeaveFactory(),
    ]);

    public IReadOnlyList<IIntegrationFactory> Factories { get; }

    public IEnumerable<string> TypeNames => Factories.Select(static f => f.Type);

    public IIntegrationFactory? Find(string type) => _byType.GetValueOrDefault(type);

    public IIntegrationFactory Get(string type) =>
        Find(type) ?? throw new InvalidOperationException($"unknown integration type '{type}'");
}
