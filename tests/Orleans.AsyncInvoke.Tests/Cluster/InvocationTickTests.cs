using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>Wake-ups are delivered by hand here, as a late, repeated or spurious wake-up from the index would deliver them.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class InvocationTickTests(ClusterFixture fixture)
{
    [Fact]
    public async Task DuplicateTicks_WhenTheRetryIsNotDue_RunNothing()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        var grain = fixture.Cluster.Client.GetGrain<IInvocationGrain>(id);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => grain.WakeAsync()));

        Assert.Single(fixture.Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        Assert.Equal(InvocationPhase.WaitingForRetry, (await fixture.Invoker.GetInvocationAsync(id))!.Phase);
    }

    [Fact]
    public async Task DuplicateTicks_WhenTheRetryIsDue_RunItExactlyOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        var grain = fixture.Cluster.Client.GetGrain<IInvocationGrain>(id);

        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => grain.WakeAsync()));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        await grain.WakeAsync();

        Assert.Equal(2, fixture.Events.For(id).Count(e => e.Kind == InvocationEventKind.AttemptStarted));
        Assert.Single(fixture.Events.For(id), e => e.Kind == InvocationEventKind.Completed);
        Assert.Equal(2, (await fixture.Invoker.GetInvocationAsync(id))!.AttemptCount);
    }

    [Fact]
    public async Task Retention_WhenAnInvocationFinishes_KeepsItReadableThenClearsIt()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        var grain = fixture.Cluster.Client.GetGrain<IInvocationGrain>(id);

        fixture.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await grain.WakeAsync();
        Assert.NotNull(await fixture.Invoker.GetInvocationAsync(id));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await grain.WakeAsync();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Cleared);
        Assert.Null(await fixture.Invoker.GetInvocationAsync(id));
    }

    [Fact]
    public async Task Tick_WhenTheRequestIdIsUnknown_CreatesNothing()
    {
        var id = RequestIds.New();

        await fixture.Cluster.Client.GetGrain<IInvocationGrain>(id).WakeAsync();

        Assert.Null(await fixture.Invoker.GetInvocationAsync(id));
        Assert.Empty(fixture.Events.For(id));
    }
}
