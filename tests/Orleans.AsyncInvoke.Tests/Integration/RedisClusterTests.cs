using System.Text;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The real silo executable on a real Redis Cluster of three masters: the sharded layout.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "RedisCluster")]
public sealed class RedisClusterTests(RedisClusterFixture fixture, ITestOutputHelper output) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [RedisClusterFact]
    public async Task Accept_WhenRedisIsACluster_SpreadsInvocationsOverEveryMasterAndCompletesThemAll()
    {
        const int Count = 600;
        var silo = new RedisSilo(fixture.Cluster.ConnectionString, shards: 16, settings: new Dictionary<string, string>
        {
            ["AsyncInvoke__Functions__spread__Target"] = "dotnet:echo",
            ["AsyncInvoke__Functions__spread__OnSuccess"] = "queue://spread-records",
        });
        await using var process = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        using (client)
        {
            var ids = new List<string>();
            foreach (var chunk in Enumerable.Range(0, Count).Chunk(100))
            {
                ids.AddRange(await Task.WhenAll(chunk.Select(i => invoker.InvokeEventAsync("spread", Encoding.UTF8.GetBytes($$"""{"n":{{i}}}""")))));
            }

            await silo.WaitFinalAsync(ids, Patience);
            foreach (var id in ids.Take(20))
            {
                Assert.Equal(InvocationPhase.Succeeded, (await invoker.GetInvocationAsync(id))!.Phase);
            }

            var perMaster = new Dictionary<int, int>();
            foreach (var port in (await fixture.Cluster.TopologyAsync()).Keys)
            {
                perMaster[port] = fixture.Cluster.Keys(port, $"{{asyncinvoke:{silo.ServiceId}:*}}:inv:*").Count();
            }

            output.WriteLine($"Invocation records per master: {string.Join(", ", perMaster.Select(p => $"{p.Key}: {p.Value}"))} (of {Count}).");
            Assert.Equal(3, perMaster.Count);
            Assert.All(perMaster, p => Assert.True(p.Value > 0, $"Master {p.Key} holds no invocation; expected the shards on all three."));
            Assert.Equal(Count, perMaster.Values.Sum());

            // Each record went through the sharded outbox to the queue (a stream of its own slot on some master).
            var queue = $"asyncinvoke:{silo.ServiceId}:queue:spread-records";
            var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Cluster.ConnectionString);
            await using (connection)
            {
                await Eventually.ReachAsync(() => connection.GetDatabase().StreamLengthAsync(queue), n => n == Count, $"{Count} records in {queue}", Patience);
            }

            await client.StopAsync();
        }
    }

    [RedisClusterFact]
    public async Task List_WhenInvocationsSpanShards_PagesNewestFirstWithoutLossOrRepeats()
    {
        const int Count = 300;
        var silo = new RedisSilo(fixture.Cluster.ConnectionString, shards: 16, settings: new Dictionary<string, string>
        {
            ["AsyncInvoke__Functions__listed__Target"] = "dotnet:echo",
        });
        await using var process = await silo.StartAsync();
        var (client, invoker) = await silo.ConnectAsync();
        using (client)
        {
            var ids = new List<string>();
            foreach (var chunk in Enumerable.Range(0, Count).Chunk(50))
            {
                ids.AddRange(await Task.WhenAll(chunk.Select(_ => invoker.InvokeEventAsync("listed", Encoding.UTF8.GetBytes("{}")))));
            }

            var seen = new List<InvocationSummary>();
            string? next = null;
            do
            {
                var page = await invoker.ListInvocationsAsync(new InvocationQuery { FunctionName = "listed", Limit = 37, Next = next });
                Assert.True(page.Items.Count <= 37, $"A page of limit 37 held {page.Items.Count}.");
                seen.AddRange(page.Items);
                next = page.Next;
            }
            while (next is not null);

            Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Select(s => s.RequestId).Order(StringComparer.Ordinal));
            // The index orders by received time in milliseconds (then request id): two accepts in one millisecond
            // may come in either order of their finer timestamps.
            Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.ReceivedAt.ToUnixTimeMilliseconds() >= p.Second.ReceivedAt.ToUnixTimeMilliseconds()),
                "Expected newest first across shards.");
            await client.StopAsync();
        }
    }
}
