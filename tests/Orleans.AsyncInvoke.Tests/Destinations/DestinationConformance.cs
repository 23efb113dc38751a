using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>A destination under test: where to deliver and how to read what arrived.</summary>
public interface IConformanceTarget : IAsyncDisposable
{
    /// <summary>The destination URI or ARN.</summary>
    string Destination { get; }

    /// <summary>The bodies that arrived, in order.</summary>
    Task<IReadOnlyList<string>> DeliveredAsync();
}

/// <summary>A target that can be made to fail for real, and healed.</summary>
public interface IBreakableTarget : IConformanceTarget
{
    Task BreakAsync();

    Task HealAsync();
}

/// <summary>What every destination adapter must do; one subclass per adapter.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public abstract class DestinationConformance<TTarget>(ClusterFixture fixture)
    where TTarget : IConformanceTarget
{
    protected ClusterFixture Fixture => fixture;

    protected abstract Task<TTarget> CreateTargetAsync();

    protected static DestinationMessage Message(string body) => new()
    {
        Id = $"{RequestIds.New()}:success",
        Body = body,
        RequestId = RequestIds.New(),
        Condition = InvocationCondition.Success,
    };

    protected IDestinationGrain Grain(string destination) => fixture.Cluster.Client.GetGrain<IDestinationGrain>(destination);

    [ConformanceFact]
    public async Task Deliver_WhenGivenARecord_DeliversItIntact()
    {
        await using var target = await CreateTargetAsync();
        var body = """{"version":"1.0","requestContext":{"condition":"Success"},"responsePayload":{"ünïcode":"✓"}}""";

        await Grain(target.Destination).EnqueueAsync(Message(body));

        Assert.Equal([body], await WaitForDeliveriesAsync(target, 1));
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries arrived; fails when they do not.</summary>
    protected static Task<IReadOnlyList<string>> WaitForDeliveriesAsync(IConformanceTarget target, int count) =>
        Eventually.ReachAsync(target.DeliveredAsync, d => d.Count >= count, $"{count} deliveries to {target.Destination}");

    protected Task<DestinationStatus> WaitForStatusAsync(string destination, Func<DestinationStatus, bool> reached) =>
        Eventually.ReachAsync(Grain(destination).GetStatusAsync, reached, $"the status of {destination}");
}

/// <summary>What adapters with a real failure mode must also do: retry while the target fails, park at the end.</summary>
public abstract class BreakableDestinationConformance<TTarget>(ClusterFixture fixture) : DestinationConformance<TTarget>(fixture)
    where TTarget : IBreakableTarget
{
    [ConformanceFact]
    public async Task Deliver_WhenTheTargetFails_RetriesAndDeliversOnceItRecovers()
    {
        await using var target = await CreateTargetAsync();
        await target.BreakAsync();
        await Grain(target.Destination).EnqueueAsync(Message("""{"late":true}"""));
        await WaitForStatusAsync(target.Destination, s => s.DeliveryFailures >= 1);

        await target.HealAsync();
        Fixture.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["""{"late":true}"""], await WaitForDeliveriesAsync(target, 1));
        var status = await WaitForStatusAsync(target.Destination, s => s.Pending == 0);
        Assert.Equal((0, 0, 1L), (status.Pending, status.Parked.Count, status.DeliveryFailures));
    }

    [ConformanceFact]
    public async Task Deliver_WhenTheSameMessageIsSentTwiceWhilePending_ArrivesOnce()
    {
        await using var target = await CreateTargetAsync();
        await target.BreakAsync();
        var message = Message("""{"once":true}""");
        await Grain(target.Destination).EnqueueAsync(message);
        await WaitForStatusAsync(target.Destination, s => s.DeliveryFailures >= 1);

        await Grain(target.Destination).EnqueueAsync(message);
        Assert.Equal(1, (await Grain(target.Destination).GetStatusAsync()).Pending);
        await target.HealAsync();
        Fixture.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["""{"once":true}"""], await WaitForDeliveriesAsync(target, 1));
        await WaitForStatusAsync(target.Destination, s => s.Pending == 0);
        Assert.Equal(["""{"once":true}"""], await target.DeliveredAsync());
    }

    [ConformanceFact]
    public async Task Deliver_WhenTheRetryWindowRunsOut_ParksTheDeliveryForRedrive()
    {
        await using var target = await CreateTargetAsync();
        await target.BreakAsync();
        await Grain(target.Destination).EnqueueAsync(Message("""{"parked":true}"""));

        // The test cluster's retry window is 10 s: attempts at 0, 1, 3 and 7 s fail; the next (15 s) is past it.
        foreach (var (failures, wait) in new[] { (1, 1), (2, 2), (3, 4) })
        {
            await WaitForStatusAsync(target.Destination, s => s.DeliveryFailures >= failures);
            Fixture.Time.Advance(TimeSpan.FromSeconds(wait));
        }

        var parked = await WaitForStatusAsync(target.Destination, s => s.Parked.Count == 1);
        Assert.Equal((0, 1, 4, 4L), (parked.Pending, parked.Parked.Count, parked.Parked[0].Attempts, parked.DeliveryFailures));
        Assert.Empty(await target.DeliveredAsync());

        await target.HealAsync();
        Assert.Equal(1, await Grain(target.Destination).RedriveAsync());
        Assert.Equal(["""{"parked":true}"""], await WaitForDeliveriesAsync(target, 1));
    }
}
