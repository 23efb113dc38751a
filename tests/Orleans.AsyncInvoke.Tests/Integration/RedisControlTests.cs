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
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

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
}
