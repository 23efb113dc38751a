using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>Accepts that outrun attempts: past the limit, events wait in the wake-up index instead of in silo memory.</summary>
[Trait("Category", "Cluster")]
public sealed class StartLimitTests(StartLimitClusterFixture fixture) : IClassFixture<StartLimitClusterFixture>
{
    private StartLimitClusterFixture Fixture => fixture;

    [Fact]
    public async Task Accept_WhenMoreThanMaxStartsInFlight_KeepsTheRestInTheWakeUpIndexUntilThePumpStartsThem()
    {
        var fn = await Fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30));
        var count = StartLimitClusterFixture.MaxStartsInFlight + 10;

        // One batch on one silo: the first MaxStartsInFlight start from memory and sleep on the fake clock.
        var outcomes = await Fixture.Cluster.Client.GetGrain<IInvocationIngressGrain>(0).AcceptAsync([.. Enumerable.Range(0, count).Select(_ => Item(RequestIds.New(), fn, """{"ms":5000}"""u8.ToArray()))]);
        var ids = outcomes.Select(o => o.RequestId).ToArray();
        Assert.All(outcomes, o => Assert.Null(o.ErrorCode));
        await Task.WhenAll(ids.Take(StartLimitClusterFixture.MaxStartsInFlight).Select(id => Fixture.Events.WaitAsync(id, InvocationEventKind.AttemptStarted)));
        var waiting = ids.Where(id => !Fixture.Events.For(id).Any(e => e.Kind == InvocationEventKind.AttemptStarted)).ToArray();
        Assert.Equal(10, waiting.Length);
        foreach (var id in waiting)
        {
            Assert.Equal(InvocationPhase.Pending, (await Fixture.Invoker.GetInvocationAsync(id))!.Phase);
        }

        // They are due now in the index: the next pump tick starts them; then every sleep ends.
        Fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(waiting.Select(id => Fixture.Events.WaitAsync(id, InvocationEventKind.AttemptStarted)));
        Fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var completed = await Task.WhenAll(ids.Select(id => Fixture.Events.WaitAsync(id, InvocationEventKind.Completed)));

        Assert.All(completed, c => Assert.Equal(InvocationCondition.Success, c.Condition));
        Assert.All(ids, id => Assert.Single(Fixture.Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted));
    }

    private static AcceptItem Item(string requestId, string function, byte[] payload) =>
        new() { RequestId = requestId, Request = new InvocationRequest { FunctionName = function, Payload = payload } };
}
