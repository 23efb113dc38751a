using System.Text;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>The batched accept path the client SDK uses, and the wake-up index that wakes deactivated invocations.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class InvocationIngressTests(ClusterFixture fixture)
{
    private IInvocationIngressGrain Ingress => fixture.Cluster.Client.GetGrain<IInvocationIngressGrain>(0);

    [Fact]
    public async Task Accept_WhenTheBatchIsMixed_AnswersEachItemInOrderAndRunsOnlyTheAcceptedOnes()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var ok = RequestIds.New();
        var missing = RequestIds.New();
        var tooLarge = RequestIds.New();
        var badQualifier = RequestIds.New();

        var outcomes = await Ingress.AcceptAsync(
        [
            Item(ok, fn, "{}"u8.ToArray()),
            Item(missing, $"missing-{Guid.NewGuid():N}", []),
            Item(tooLarge, fn, new byte[1024 * 1024 + 1]),
            Item(badQualifier, fn, [], qualifier: "7"),
        ]);

        Assert.Equal([ok, missing, tooLarge, badQualifier], outcomes.Select(o => o.RequestId));
        Assert.Equal(("$LATEST", (string?)null), (outcomes[0].Qualifier, outcomes[0].ErrorCode));
        Assert.Equal(ErrorCodes.ResourceNotFound, outcomes[1].ErrorCode);
        Assert.Equal(ErrorCodes.RequestTooLarge, outcomes[2].ErrorCode);
        Assert.Equal(ErrorCodes.ResourceNotFound, outcomes[3].ErrorCode);
        Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitAsync(ok, InvocationEventKind.Completed)).Condition);
        foreach (var refused in new[] { missing, tooLarge, badQualifier })
        {
            Assert.Null(await fixture.Invoker.GetInvocationAsync(refused));
            Assert.Empty(fixture.Events.For(refused));
        }
    }

    [Fact]
    public async Task Accept_WhenTheSameIdArrivesTwiceInABatchAndAgainLater_StoresAndRunsItOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = RequestIds.New();

        var first = await Ingress.AcceptAsync([Item(id, fn, "1"u8.ToArray()), Item(id, fn, "2"u8.ToArray())]);
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        var again = Assert.Single(await Ingress.AcceptAsync([Item(id, fn, "3"u8.ToArray())]));

        Assert.Equal(1, first.Count(o => !o.Existed));
        Assert.True(again.Existed);
        Assert.Single(fixture.Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        var status = await fixture.Invoker.GetInvocationAsync(id);
        Assert.Contains(Encoding.UTF8.GetString(first[0].Existed ? "2"u8 : "1"u8), status!.Record!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryWait_WhenLong_DeactivatesTheInvocationAndTheWakeUpIndexRunsTheRetryWhenDue()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        var scheduled = await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);

        // 60 s is past ActiveWaitLimit: after a short quiet spell nothing of the invocation stays active, only its
        // stored wake-up.
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await WaitForDeactivationAsync(id);
        fixture.Time.Advance(scheduled.DueAt!.Value - fixture.Time.GetUtcNow());

        var completed = await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        Assert.Equal(InvocationCondition.Success, completed.Condition);
        var status = await fixture.Invoker.GetInvocationAsync(id);
        Assert.Equal(scheduled.DueAt, status!.History[^1].DueAt);
        Assert.Equal(2, status.AttemptCount);
    }

    [Fact]
    public async Task Accept_WhenTheSameIdWasReadFirst_StartsAtOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = RequestIds.New();
        Assert.Null(await fixture.Invoker.GetInvocationAsync(id));

        // The read activated the grain with nothing stored; the accept must not leave it believing that.
        await fixture.Invoker.InvokeAsync(new Client.InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), RequestId = id });

        Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitAsync(id, InvocationEventKind.Completed)).Condition);
    }

    private async Task WaitForDeactivationAsync(string requestId)
    {
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var activations = await management.GetDetailedGrainStatistics();
            if (!activations.Any(a => a.GrainId.Type.ToString() == "asyncinvoke-invocation" && a.GrainId.Key.ToString() == requestId))
            {
                return;
            }

            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    private static AcceptItem Item(string requestId, string function, byte[] payload, string? qualifier = null) =>
        new() { RequestId = requestId, Request = new InvocationRequest { FunctionName = function, Qualifier = qualifier, Payload = payload } };
}
