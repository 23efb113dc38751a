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
}
