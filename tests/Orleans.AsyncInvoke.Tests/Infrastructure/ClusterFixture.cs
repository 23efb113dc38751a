using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Silo.Hosting;
using Orleans.TestingHost;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>
/// Two in-process silos sharing one fake clock that drives grain timers, delays and timeouts. Background areas
/// (membership, messaging, reminders) stay on real time so advancing the clock does not disturb the cluster.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InvocationEventLog Events { get; } = new();

    public MemoryInvocationTable Invocations { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IAsyncInvoker Invoker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AsyncInvoke:Functions:echo:Target"] = "dotnet:echo",
                ["AsyncInvoke:DeliveryRetryWindow"] = "00:00:10",
                ["AsyncInvoke:Webhooks:AllowLoopback"] = "true",
                ["AsyncInvoke:Execution:AllowLocalPrograms"] = "true",
                // Tests read what a function received back from its invocation's record (PayloadsLeftOutClusterFixture does not).
                ["AsyncInvoke:KeepSucceededPayloads"] = "true",
            });
            host.Configuration.AddInMemoryCollection(Settings);
            host.Services.AddSingleton<TimeProvider>(Time);
            host.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            host.Services.AddSingleton<IInvocationObserver>(Events);
            // Both silos see one invocation store, as silos sharing Redis would.
            host.Services.AddSingleton(Invocations);
            host.Services.AddAsyncInvoke(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseAsyncInvokeInMemory();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Invoker = new AsyncInvoker(Cluster.Client);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>How many silos the cluster has.</summary>
    protected virtual short Silos => 2;

    /// <summary>Configuration on top of the defaults, for a fixture that needs other settings.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Creates a function with a unique name so tests sharing the cluster never see each other's events.</summary>
    public async Task<string> CreateFunctionAsync(string target, TimeSpan? timeout = null, int? reservedConcurrency = null)
    {
        var prefix = target.StartsWith("dotnet:", StringComparison.Ordinal) ? target["dotnet:".Length..] : "fn";
        var name = $"{prefix}-{Guid.NewGuid():N}";
        await Invoker.CreateFunctionAsync(name, new FunctionDefinitionInput { Target = target, Timeout = timeout, ReservedConcurrency = reservedConcurrency });
        return name;
    }
}

/// <summary>One silo that starts at most <see cref="MaxStartsInFlight"/> first attempts from memory at once.</summary>
public sealed class StartLimitClusterFixture : ClusterFixture
{
    public const int MaxStartsInFlight = 5;

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AsyncInvoke:MaxStartsInFlight"] = MaxStartsInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One silo with the default retention: a succeeded invocation keeps its outcome, not its payloads.</summary>
public sealed class PayloadsLeftOutClusterFixture : ClusterFixture
{
    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AsyncInvoke:KeepSucceededPayloads"] = "false",
    };
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
