using System.Globalization;
using System.Net;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary><c>AsyncInvoke:Redis:WaitForReplicas</c> on a single Redis master, first without a replica and then with one.</summary>
[Trait("Category", "Integration")]
public sealed class RedisReplicaConfirmationTests
{
    [Fact]
    public async Task Accept_WhenNoReplicaConfirmsInTime_AnswersARetryableErrorAndOnceOneDoes202()
    {
        await using var master = new RedisServer();
        await master.StartAsync();
        var silo = new RedisSilo(master, settings: new Dictionary<string, string>
        {
            ["AsyncInvoke__Redis__WaitForReplicas"] = "1",
            ["AsyncInvoke__Redis__WaitTimeout"] = "00:00:00.200",
        });
        await using var process = await silo.StartAsync();
        using var http = new HttpClient { BaseAddress = silo.HttpAddress };

        using (var refused = await InvokeAsync(http))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.InternalServerError, $"Expected 500 without a replica; got {(int)refused.StatusCode}: {body}");
            Assert.Contains("ServiceException", body, StringComparison.Ordinal);
            Assert.Contains("not confirmed by a Redis replica", body, StringComparison.Ordinal);
        }

        await using var replica = new RedisServer(["--replicaof", "127.0.0.1", master.Port.ToString(CultureInfo.InvariantCulture)]);
        await replica.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{master.ConnectionString},allowAdmin=true");
        await Eventually.ReachAsync(
            async () => (string)(await connection.GetServer("127.0.0.1", master.Port).ExecuteAsync("INFO", "replication"))!,
            info => info.Contains("connected_slaves:1", StringComparison.Ordinal) && info.Contains("state=online", StringComparison.Ordinal),
            "the replica to be online", TimeSpan.FromSeconds(30));

        using var accepted = await InvokeAsync(http);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = accepted.Headers.GetValues("X-Amzn-RequestId").Single();
        await silo.WaitFinalAsync([id], TimeSpan.FromSeconds(30));
    }

    private static Task<HttpResponseMessage> InvokeAsync(HttpClient http)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/echo/invocations") { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");
        return http.SendAsync(request);
    }
}
