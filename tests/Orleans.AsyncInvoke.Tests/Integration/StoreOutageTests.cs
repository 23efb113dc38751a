using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>While Redis is down, calls that need it fail in their surface's words, and work again once it is back.</summary>
[Trait("Category", "Integration")]
public sealed class StoreOutageTests
{
    [Fact]
    public async Task QueueDelete_WhenRedisIsDown_AnswersServiceExceptionNotACodecFailure()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var silo = new RedisSilo(redis);
        await using var process = await silo.StartAsync();
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync(new Uri(silo.HttpAddress, "/queues/outage/messages"), new StringContent("{}"))).StatusCode);

        using var received = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo.HttpAddress, "/queues/outage/messages?max=1")));
        var handle = received.RootElement[0].GetProperty("receiptHandle").GetString();

        await redis.StopAsync();
        var response = await http.DeleteAsync(new Uri(silo.HttpAddress, $"/queues/outage/messages/{Uri.EscapeDataString(handle!)}"));
        var body = await response.Content.ReadAsStringAsync();
        await redis.StartAsync();

        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"Expected 500, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ServiceException", json.RootElement.GetProperty("errorType").GetString());
        Assert.StartsWith("The store did not answer", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("CodecNotFound", process.Output, StringComparison.Ordinal);
    }
}
