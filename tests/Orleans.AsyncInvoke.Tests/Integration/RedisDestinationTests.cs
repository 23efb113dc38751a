using System.Text;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class RedisDestinationTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Records_WhenWaitingForADownTarget_SurviveASiloRestart()
    {
        var silo = new RedisSilo(fixture.Server);
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        var port = FreePort.Next();
        var fn = $"hooked-{Guid.NewGuid():N}";
        await invoker.PutFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:echo" });
        await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"http://127.0.0.1:{port}/callback/", HasDestinationConfig = true });

        var id = await invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"survive":true}"""));
        await Eventually.TrueAsync(async () => await silo.DeliveryFailuresAsync($"http://127.0.0.1:{port}/callback/") >= 1, "a failed delivery", Patience);
        first.Kill();
        await client.StopAsync();
        client.Dispose();

        await using var receiver = new CallbackReceiver(port);
        await using var second = await silo.StartAsync();

        // Nobody touches the destination: its durable wake-up delivers the stored record.
        var delivered = await receiver.NextAsync(Patience);
        Assert.Equal(id, delivered.Headers["X-Request-Id"]);
        Assert.Contains("\"survive\":true", delivered.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureRecords_WhenTheDestinationIsAQueue_LandInARedisStream()
    {
        var silo = new RedisSilo(fixture.Server);
        await using var process = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        using (client)
        {
            var fn = $"streamed-{Guid.NewGuid():N}";
            var queue = $"failures-{Guid.NewGuid():N}";
            await invoker.PutFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:fail" });
            await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0, OnFailure = $"queue://{queue}", HasDestinationConfig = true });

            var id = await invoker.InvokeEventAsync(fn, "{}"u8.ToArray());
            var message = Assert.Single(await invoker.ReceiveMessagesAsync(queue, wait: TimeSpan.FromSeconds(20)));

            Assert.Contains(id, message.Body, StringComparison.Ordinal);
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
            Assert.Equal(1, await redis.GetDatabase().StreamLengthAsync($"asyncinvoke:{silo.ServiceId}:queue:{queue}"));
            Assert.True(await invoker.DeleteMessageAsync(queue, message.ReceiptHandle));
            Assert.Equal(0, await redis.GetDatabase().StreamLengthAsync($"asyncinvoke:{silo.ServiceId}:queue:{queue}"));
            await client.StopAsync();
        }
    }

    [Fact]
    public async Task Records_WhenTheSiloIsKilledMidDrain_AllArriveAfterARestartDuplicatingAtMostTheInFlightOnes()
    {
        const int count = 1500;
        const int concurrency = 16;
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var hook = new FunctionServer(async (context, _) =>
        {
            // Slow enough that the drain is still going when the silo dies.
            await Task.Delay(50);
            received.AddOrUpdate(context.Request.Headers["X-Request-Id"]!, 1, (_, n) => n + 1);
            await FunctionServer.ReplyAsync(context, 200, "{}");
        });
        var silo = new RedisSilo(fixture.Server, settings: new Dictionary<string, string>
        {
            ["AsyncInvoke__DeliveryConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AsyncInvoke__DeliveryTimeout"] = "00:00:02",
        });
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        var fn = $"drained-{Guid.NewGuid():N}";
        await invoker.PutFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:echo" });
        await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"{hook.Url}records", HasDestinationConfig = true });

        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(i => invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes($$"""{"n":{{i}}}"""))));
        // Every invocation is final (its record stored in its outbox) before the kill: only deliveries are cut short.
        foreach (var chunk in ids.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(id => Eventually.ReachAsync(
                () => invoker.GetInvocationAsync(id), s => s?.Phase == Orleans.AsyncInvoke.Invocations.InvocationPhase.Succeeded, $"{id} to succeed", Patience)));
        }

        await Eventually.TrueAsync(() => received.Count >= 300, "300 records at the webhook", Patience);

        first.Kill();
        var deliveredBeforeKill = received.Count;
        await client.StopAsync();
        client.Dispose();
        Assert.InRange(deliveredBeforeKill, 300, count - 1);

        // Nobody touches the destination: the restarted silo claims what the dead one held once its lease is over.
        await using var second = await silo.StartAsync();
        await Eventually.TrueAsync(() => received.Count >= count, "every record at the webhook", Patience);

        Assert.Equal(ids.Order(), received.Keys.Order());
        var duplicates = received.Values.Sum(n => n - 1);
        Assert.InRange(duplicates, 0, 2 * concurrency);
    }
}
