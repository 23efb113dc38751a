using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RecursionTests(ClusterFixture fixture)
{
    private async Task<(string A, string B)> LoopAsync()
    {
        // Functions that answer {} so the records stay small: an echo would double the record on every hop.
        const string Small = "exec:sh -c 'cat >/dev/null; printf {}'";
        var a = await fixture.CreateFunctionAsync(Small);
        var b = await fixture.CreateFunctionAsync(Small);
        await fixture.Invoker.PutEventInvokeConfigAsync(a, new EventInvokeConfigInput { OnSuccess = $"function://{b}", HasDestinationConfig = true });
        await fixture.Invoker.PutEventInvokeConfigAsync(b, new EventInvokeConfigInput { OnSuccess = $"function://{a}", HasDestinationConfig = true });
        return (a, b);
    }

    private IReadOnlyList<InvocationEvent> Completions(params string[] functions) =>
        [.. fixture.Events.All().Where(e => e.Kind == InvocationEventKind.Completed && functions.Contains(e.FunctionName))];

    private Task<IReadOnlyList<InvocationEvent>> WaitForCompletionsAsync(int count, params string[] functions) =>
        Eventually.ObserveAsync(() => Completions(functions), c => c.Count >= count, $"{count} completions", TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Loop_WhenRecursiveLoopIsTerminate_IsStoppedAfter16InvocationsAndSentDownTheFailurePath()
    {
        var (a, b) = await LoopAsync();
        var failures = $"loop-failures-{Guid.NewGuid():N}";
        await fixture.Invoker.UpdateEventInvokeConfigAsync(a, new EventInvokeConfigInput { OnFailure = $"queue://{failures}", HasDestinationConfig = true });
        await fixture.Invoker.UpdateEventInvokeConfigAsync(b, new EventInvokeConfigInput { OnFailure = $"queue://{failures}", HasDestinationConfig = true });

        await fixture.Invoker.InvokeEventAsync(a, "{}"u8.ToArray());
        var completions = await WaitForCompletionsAsync(18, a, b);

        Assert.Equal(18, completions.Count);
        Assert.Equal(17, completions.Count(c => c.Condition == InvocationCondition.Success));
        var stopped = Assert.Single(completions, c => c.Condition != InvocationCondition.Success);
        var status = await fixture.Invoker.GetInvocationAsync(stopped.RequestId);
        Assert.Equal("RecursiveInvocationException", status!.LastError!.ErrorType);
        Assert.Equal(0, status.AttemptCount);
        await Eventually.TrueAsync(async () => (await fixture.Invoker.ListQueuesAsync()).Any(q => q.Name == failures), $"the queue {failures}");

        Assert.Single(await fixture.Invoker.ReceiveMessagesAsync(failures, max: 10));
    }

    [Fact]
    public async Task Loop_WhenRecursiveLoopIsAllow_GoesPast16UntilTerminateIsPut()
    {
        var (a, b) = await LoopAsync();
        await fixture.Cluster.Client.GetGrain<IFunctionGrain>(a).PutRecursiveLoopAsync("Allow");
        await fixture.Cluster.Client.GetGrain<IFunctionGrain>(b).PutRecursiveLoopAsync("Allow");

        await fixture.Invoker.InvokeEventAsync(a, "{}"u8.ToArray());
        var beyond = await WaitForCompletionsAsync(25, a, b);
        await fixture.Cluster.Client.GetGrain<IFunctionGrain>(a).PutRecursiveLoopAsync("Terminate");
        await fixture.Cluster.Client.GetGrain<IFunctionGrain>(b).PutRecursiveLoopAsync("Terminate");

        Assert.True(beyond.Count >= 25, $"expected the loop to run past 16 invocations, saw {beyond.Count}");
        Assert.All(beyond.Take(25), c => Assert.Equal(InvocationCondition.Success, c.Condition));
        await Eventually.TrueAsync(() => Completions(a, b).Any(c => c.Condition != InvocationCondition.Success), "the loop to be stopped", TimeSpan.FromSeconds(20));

        Assert.Contains(Completions(a, b), c => c.Condition == InvocationCondition.RetriesExhausted);
    }
}
