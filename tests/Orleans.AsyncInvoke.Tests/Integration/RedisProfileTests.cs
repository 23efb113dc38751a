using System.Text;
using Microsoft.Extensions.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The real silo executable in the Redis profile, against a real redis-server, killed with SIGKILL.</summary>
[Trait("Category", "Integration")]
public sealed class RedisProfileTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task AcceptedInvocations_WhenTheSiloIsKilled_AllCompleteAfterARestart()
    {
        var silo = new RedisSilo(fixture.Server);
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        var flaky = new List<string>();
        var sleeping = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            flaky.Add(await invoker.InvokeEventAsync("flaky", Encoding.UTF8.GetBytes("""{"failTimes":2}""")));
        }

        for (var i = 0; i < 5; i++)
        {
            sleeping.Add(await invoker.InvokeEventAsync("sleep", Encoding.UTF8.GetBytes("""{"ms":5000}""")));
        }

        first.Kill();
        await client.StopAsync();
        client.Dispose();
        var finishedBeforeKill = await Task.WhenAll(flaky.Concat(sleeping).Select(silo.IsFinalAsync));
        Assert.DoesNotContain(true, finishedBeforeKill);

        await using var second = await silo.StartAsync();

        // Nobody touches the invocations: only their durable wake-ups can bring them back.
        await silo.WaitFinalAsync(flaky.Concat(sleeping), Patience);

        var (client2, invoker2) = await silo.ConnectAsync();
        using (client2)
        {
            foreach (var id in flaky)
            {
                var status = await invoker2.GetInvocationAsync(id);
                Assert.NotNull(status);
                Assert.Equal((InvocationPhase.Succeeded, 3), (status.Phase, status.AttemptCount));
            }

            foreach (var id in sleeping)
            {
                var status = await invoker2.GetInvocationAsync(id);
                Assert.NotNull(status);
                Assert.Equal((InvocationPhase.Succeeded, 1), (status.Phase, status.AttemptCount));
            }

            await client2.StopAsync();
        }
    }

    [Fact]
    public async Task AcceptedInvocations_WhenRedisRestarts_AllCompleteAfterItIsBack()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var silo = new RedisSilo(redis);
        await using var process = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        using (client)
        {
            var ids = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await invoker.InvokeEventAsync("flaky", Encoding.UTF8.GetBytes("""{"failTimes":2}""")));
            }

            // The retries (1 s and 2 s apart at this time compression) fall into the outage: their writes fail, and
            // what was acknowledged must still run to the end once Redis is back.
            await redis.RestartAsync(downtime: TimeSpan.FromSeconds(3));

            await silo.WaitFinalAsync(ids, Patience);
            foreach (var id in ids)
            {
                var status = await invoker.GetInvocationAsync(id);
                Assert.NotNull(status);
                Assert.Equal((InvocationPhase.Succeeded, 3), (status.Phase, status.AttemptCount));
            }

            await client.StopAsync();
        }
    }

    [Fact]
    public async Task FinishedInvocation_WhenTheSiloRestarts_IsStillReadable()
    {
        var silo = new RedisSilo(fixture.Server);
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        var id = await invoker.InvokeEventAsync("echo", Encoding.UTF8.GetBytes("""{"keep":"me"}"""));
        await silo.WaitFinalAsync([id], Patience);
        var before = await invoker.GetInvocationAsync(id);
        first.Kill();
        await client.StopAsync();
        client.Dispose();

        await using var second = await silo.StartAsync();
        var (client2, invoker2) = await silo.ConnectAsync();
        using (client2)
        {
            var after = await invoker2.GetInvocationAsync(id);

            Assert.NotNull(after);
            Assert.Equal(InvocationPhase.Succeeded, after.Phase);
            Assert.Equal(before!.Record, after.Record);
            // A success keeps its outcome, not its payloads: the record is written again from the compact state.
            Assert.Contains("\"requestPayload\":null", after.Record!, StringComparison.Ordinal);
            Assert.Equal(13, after.PayloadBytes);
            await client2.StopAsync();
        }
    }
}
