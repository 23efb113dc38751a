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
    public async Task RecordsWaitingForADownTarget_SurviveASiloRestart()
    {
        var silo = new RedisSilo(fixture.Server);
        var first = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        var port = FreePort.Next();
        var fn = $"hooked-{Guid.NewGuid():N}";
        await invoker.PutFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:echo" });
        await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"http://127.0.0.1:{port}/callback/", HasDestinationConfig = true });

        var id = await invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"survive":true}"""));
        await first.WaitForLineAsync(id, "failed (attempt 1").WaitAsync(Patience);
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
    public async Task FailureRecords_LandInARedisStreamQueue()
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
}
