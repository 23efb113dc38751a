using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>
/// First attempts run from memory on the accepting silo, without an activation of the invocation grain: what they
/// store, and how the grain takes over when something else touches the invocation while they run.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FirstAttemptFromMemoryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Backstop = TimeSpan.FromMinutes(1);

    private IAsyncInvoker Invoker => fixture.Invoker;

    private InvocationEventLog Events => fixture.Events;

    [Fact]
    public async Task Invoke_WhenTheFirstAttemptSucceeds_RunsAndStoresItsEndWithoutActivatingTheInvocationGrain()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30));
        var store = new MemoryInvocationStore(fixture.Invocations, TestSerializers.Create<InvocationState>());
        var id = await Invoker.InvokeEventAsync(fn, """{"ms":1000}"""u8.ToArray());
        await Events.WaitAsync(id, InvocationEventKind.AttemptStarted, attempt: 1);

        var whileRunning = (await store.ReadAsync(id))!;
        var activeWhileRunning = await IsActiveAsync(id);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);
        var stored = (await store.ReadAsync(id))!;

        Assert.False(activeWhileRunning);
        Assert.Equal((InvocationPhase.Pending, 0, (DateTimeOffset?)(whileRunning.ReceivedAt + Backstop)), (whileRunning.Phase, whileRunning.AttemptCount, whileRunning.FirstAttemptUntil));
        Assert.Equal(InvocationCondition.Success, completed.Condition);
        Assert.False(await IsActiveAsync(id));
        Assert.Equal((InvocationPhase.Succeeded, 1, (DateTimeOffset?)null), (stored.Phase, stored.AttemptCount, stored.FirstAttemptUntil));
        Assert.Equal(["Success"], stored.History.Select(h => h.Outcome));
        // Read through its grain afterwards, the invocation is what an attempt in the grain would have left.
        var status = (await Invoker.GetInvocationAsync(id))!;
        Assert.Equal((InvocationPhase.Succeeded, InvocationCondition.Success, 1), (status.Phase, status.Condition, status.AttemptCount));
        Assert.Contains("\"condition\":\"Success\"", status.Record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WhileTheFirstAttemptRunsFromMemory_EndsCancelledWhenItReturnsWithTheAttemptInItsHistory()
    {
        // A 30 s timeout ends well inside the one-minute backstop, so the first attempt runs without the grain.
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30));
        var id = await Invoker.InvokeEventAsync(fn, """{"ms":10000}"""u8.ToArray());
        await Events.WaitAsync(id, InvocationEventKind.AttemptStarted, attempt: 1);

        var asked = await Invoker.CancelInvocationAsync(id);
        var read = (await Invoker.GetInvocationAsync(id))!;

        Assert.Equal((InvocationPhase.Running, true, 1), (asked.Phase, asked.CancelRequested, asked.AttemptCount));
        Assert.Equal((InvocationPhase.Running, true), (read.Phase, read.CancelRequested));
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);
        Assert.Equal(InvocationCondition.Cancelled, completed.Condition);
        var status = (await Invoker.GetInvocationAsync(id))!;
        Assert.Equal((InvocationPhase.Cancelled, 1), (status.Phase, status.AttemptCount));
        Assert.Equal(["Success"], status.History.Select(h => h.Outcome));
        fixture.Time.Advance(Backstop);
        fixture.Time.Advance(Backstop);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.Completed);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        Assert.Equal(InvocationPhase.Cancelled, (await Invoker.GetInvocationAsync(id))!.Phase);
    }

    [Fact]
    public async Task Invoke_WhenTheFirstAttemptFromMemoryFails_TheGrainRetriesItOnTheFunctionsSchedule()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        var id = await Invoker.InvokeEventAsync(fn, []);

        var scheduled = await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);

        var status = (await Invoker.GetInvocationAsync(id))!;
        Assert.Equal((InvocationPhase.WaitingForRetry, 1, (DateTimeOffset?)scheduled.DueAt), (status.Phase, status.AttemptCount, status.NextAttemptAt));
        Assert.Equal(["FunctionError"], status.History.Select(h => h.Outcome));
    }

    private async Task<bool> IsActiveAsync(string requestId)
    {
        var activations = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return activations.Any(a => a.GrainId.Type.ToString() == "asyncinvoke-invocation" && a.GrainId.Key.ToString() == requestId);
    }
}
