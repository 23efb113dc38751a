using System.Text;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>Control operations against the real silo executable in the Redis profile, across a SIGKILL.</summary>
[Trait("Category", "Integration")]
public sealed class RedisControlTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Pause_WhenTheSiloIsKilledAndRestarted_StaysPausedHoldsItsEventsAndResumeRunsThem()
    {
        var silo = new RedisSilo(fixture.Server);
        var fn = $"held-{Guid.NewGuid():N}";
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        await invoker.CreateFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:flaky" });
        await invoker.SetAsyncPausedAsync(fn, true);
        var held = await invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":0}"""));
        var ownSettings = (await invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = Encoding.UTF8.GetBytes("""{"failTimes":5}"""), MaximumRetryAttempts = 0 })).RequestId;
        Assert.Equal(InvocationPhase.Paused, (await invoker.GetInvocationAsync(held))!.Phase);
        first.Kill();
        await client.StopAsync();
        client.Dispose();

        await using var second = await silo.StartAsync();
        var (client2, invoker2) = await silo.ConnectAsync();
        using (client2)
        {
            Assert.True(await invoker2.GetAsyncPausedAsync(fn));
            Assert.Equal(InvocationPhase.Paused, (await invoker2.GetInvocationAsync(held))!.Phase);
            Assert.Equal(0, (await invoker2.GetInvocationAsync(ownSettings))!.AttemptCount);
            var accepted = await invoker2.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":0}"""));
            Assert.Equal(InvocationPhase.Paused, (await invoker2.GetInvocationAsync(accepted))!.Phase);

            await invoker2.SetAsyncPausedAsync(fn, false);
            await silo.WaitFinalAsync([held, accepted, ownSettings], Patience);

            Assert.Equal(InvocationPhase.Succeeded, (await invoker2.GetInvocationAsync(held))!.Phase);
            Assert.Equal(InvocationPhase.Succeeded, (await invoker2.GetInvocationAsync(accepted))!.Phase);
            // Its own MaximumRetryAttempts of 0, stored with it, held across the restart: one attempt, no retry.
            var failed = await invoker2.GetInvocationAsync(ownSettings);
            Assert.Equal((InvocationPhase.Failed, InvocationCondition.RetriesExhausted, 1), (failed!.Phase, failed.Condition, failed.AttemptCount));
            await client2.StopAsync();
        }
    }

    [Fact]
    public async Task Redrive_WhenTheSiloIsKilledWhileItRuns_ResumesByItselfAndMovesEachEventOnce()
    {
        const int Events = 300;
        var silo = new RedisSilo(fixture.Server);
        var fn = $"redriven-{Guid.NewGuid():N}";
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        await invoker.CreateFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:fail", DeadLetterTarget = $"queue://{fn}-dlq" });
        await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var ids = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            ids.Add(await invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes($$"""{"n":{{i}}}""")));
        }

        await silo.WaitFinalAsync(ids, Patience);
        await Eventually.ReachAsync(async () => (await invoker.ListQueuesAsync()).FirstOrDefault(q => q.Name == fn + "-dlq")?.ApproximateDepth ?? 0, d => d == Events, "every event in the dead-letter queue", Patience);
        await invoker.UpdateFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:echo" });

        var started = await invoker.StartRedriveAsync(fn, "dlq");
        first.Kill();
        await client.StopAsync();
        client.Dispose();

        await using var second = await silo.StartAsync();
        var (client2, invoker2) = await silo.ConnectAsync();
        using (client2)
        {
            // Nobody asks for the redrive's progress: its reminder brings it back, and every event runs again.
            foreach (var id in ids)
            {
                await Eventually.ReachAsync(() => invoker2.GetInvocationAsync(id), s => s?.Phase == InvocationPhase.Succeeded, $"{id} to succeed after the redrive", Patience);
            }

            var done = await Eventually.ReachAsync(() => invoker2.GetRedriveAsync(fn), p => p?.State != RedriveProgress.Running, "the redrive to end", Patience);
            Assert.Equal((Events, RedriveProgress.Completed, 0), (started.Total, done!.State, done.Failed));
            // A message retried just before the kill and not yet deleted comes round again as a repeat, never twice.
            Assert.Equal(Events, done.Moved + done.Skipped);
            foreach (var id in ids.Take(20))
            {
                var status = await invoker2.GetInvocationAsync(id);
                Assert.Equal(1, status!.History.Count(h => h.Outcome == "Redriven"));
            }

            Assert.Equal(0, (await invoker2.ListQueuesAsync()).First(q => q.Name == fn + "-dlq").ApproximateDepth);
            await client2.StopAsync();
        }
    }
}
