using System.Text;
using System.Threading.Channels;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class RedisTopicTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Topic_WhenTheProfileIsRedis_AlsoPublishesOnItsPubSubChannel()
    {
        var topic = $"live-{Guid.NewGuid():N}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var received = Channel.CreateUnbounded<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"asyncinvoke:topic:{topic}"), (_, value) => received.Writer.TryWrite(value!));

        var silo = new RedisSilo(fixture.Server);
        await using var process = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        using (client)
        {
            var fn = $"pub-{Guid.NewGuid():N}";
            await invoker.PutFunctionAsync(fn, new FunctionDefinitionInput { Target = "dotnet:echo" });
            await invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"topic://{topic}", HasDestinationConfig = true });
            var id = await invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"live":true}"""));

            var message = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Contains(id, message, StringComparison.Ordinal);
            Assert.Contains("\"live\":true", message, StringComparison.Ordinal);
            await client.StopAsync();
        }
    }
}
