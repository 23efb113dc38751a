using System.Globalization;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.AsyncInvoke.Tests.Storage;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The Redis profile's delivery store against a real redis-server (AOF on): the memory store's suite, and its costs.</summary>
[Trait("Category", "Integration")]
public sealed class RedisDeliveryStoreTests(RedisFixture fixture) : DeliveryStoreConformance, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private RedisDeliveryStore _store = null!;
    private string _serviceId = null!;

    protected override IDeliveryStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString + ",allowAdmin=true");
        _serviceId = $"deliveries-{Guid.NewGuid():N}";
        _store = new RedisDeliveryStore(_redis, TestSerializers.Create<DestinationMessage>(), Layout);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private RedisLayout Layout => new(_serviceId, 1);

    [Fact]
    public async Task Drain_WhenTheBacklogIs100000_CostsTheSameRedisCommandsAndAofBytesPerRecordAsWithNone()
    {
        // No background rewrite may shrink the AOF while it is measured.
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await server.ConfigSetAsync("auto-aof-rewrite-percentage", "0");
        var destination = NewDestination();
        await CostPerRecordAsync(server, destination);
        var small = await CostPerRecordAsync(server, destination);
        foreach (var chunk in Enumerable.Range(0, 100_000).Select(_ => NewDelivery(destination)).Chunk(500))
        {
            await _store.AppendAsync(chunk, Now.AddHours(1));
        }

        Assert.Equal(100_000, (await _store.GetCountersAsync(destination)).Pending);
        var large = await CostPerRecordAsync(server, destination);

        Assert.Equal(small.Commands, large.Commands);
        Assert.True(Math.Abs(large.AofBytes - small.AofBytes) <= small.AofBytes * 0.05,
            $"AOF bytes per record: {small.AofBytes} with no backlog, {large.AofBytes} with 100,000 pending");

        var drained = 0;
        while (await _store.ClaimDueAsync(Now.AddHours(2), Lease, 1000) is { Count: > 0 } claimed)
        {
            foreach (var chunk in claimed.Chunk(250))
            {
                await _store.CompleteAsync(chunk, [], Now);
            }

            drained += claimed.Count;
        }

        Assert.Equal(100_000, drained);
        Assert.Equal(new DeliveryCounters(0, 0, 0), await _store.GetCountersAsync(destination));
        Assert.Equal(0, await _redis.GetDatabase().SortedSetLengthAsync($"asyncinvoke:{_serviceId}:dlv:due"));
        Assert.DoesNotContain(server.Keys(pattern: $"asyncinvoke:{_serviceId}:dlv:*", pageSize: 1000),
            k => !k.ToString().Contains(":dlv:counters:", StringComparison.Ordinal) && !k.ToString().EndsWith(":dlv:due", StringComparison.Ordinal)
                && !k.ToString().EndsWith(":dlv:destinations", StringComparison.Ordinal));
        Assert.Equal([destination], (await _store.ListDestinationsAsync()).Select(d => d.Destination));
    }

    [Fact]
    public async Task Write_WhenGivenAnOutbox_StoresTheStateAndItsDeliveriesInOneScript()
    {
        var invocations = new RedisInvocationStore(_redis, TestSerializers.Create<InvocationState>(), Layout, _store);
        var destination = NewDestination();
        var record = NewDelivery(destination);
        var id = RequestIds.New();
        var state = InvocationState.Accepted(new() { FunctionName = "fn", Qualifier = "$LATEST", Payload = [] }, Now);
        state.Phase = InvocationPhase.Succeeded;
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var scriptsBefore = await ScriptCallsAsync(server);

        await invocations.WriteAsync(id, state, Now.AddDays(1), new Outbox([record], Now.AddYears(50)));

        Assert.Equal(1, await ScriptCallsAsync(server) - scriptsBefore);
        Assert.Equal(InvocationPhase.Succeeded, (await invocations.ReadAsync(id))!.Phase);
        Assert.Equal(new DeliveryCounters(1, 0, 0), await _store.GetCountersAsync(destination));
        Assert.Equal(record.Id, Assert.Single(await _store.ClaimDueAsync(Now.AddYears(50), Lease, 100)).Id);
    }

    /// <summary>Redis commands (script calls and the commands inside them) and AOF bytes to append, claim and complete 1,000 deliveries, per delivery.</summary>
    private async Task<(double Commands, double AofBytes)> CostPerRecordAsync(IServer server, string destination)
    {
        var records = Enumerable.Range(0, 1000).Select(_ => NewDelivery(destination)).ToList();
        var (commandsBefore, aofBefore) = (await CommandsAsync(server), await AofSizeAsync(server));
        foreach (var chunk in records.Chunk(100))
        {
            await _store.AppendAsync(chunk, Now);
        }

        var claimed = await _store.ClaimDueAsync(Now, Lease, 1000);
        foreach (var chunk in claimed.Chunk(100))
        {
            await _store.CompleteAsync(chunk, [], Now);
        }

        Assert.Equal(1000, claimed.Count);
        var (commandsAfter, aofAfter) = (await CommandsAsync(server), await AofSizeAsync(server));
        return ((commandsAfter - commandsBefore) / 1000.0, (aofAfter - aofBefore) / 1000.0);
    }

    /// <summary>The data commands the store sends or runs inside its scripts (the client's own heartbeats aside).</summary>
    private static readonly HashSet<string> DataCommands = [.. new[] { "eval", "evalsha", "hset", "hget", "hmget", "hincrby", "zadd", "zrem", "zscore", "zrangebyscore", "zrange", "exists", "del" }.Select(c => "cmdstat_" + c)];

    private static async Task<long> CommandsAsync(IServer server) =>
        (await server.InfoAsync("commandstats")).SelectMany(g => g)
            .Where(p => DataCommands.Contains(p.Key))
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));

    private static async Task<long> ScriptCallsAsync(IServer server) =>
        (await server.InfoAsync("commandstats")).SelectMany(g => g)
            .Where(p => p.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));

    /// <summary>What the AOF holds: the file plus the buffer not yet written to it (written late while an fsync is slow).</summary>
    private static async Task<long> AofSizeAsync(IServer server)
    {
        var info = (await server.InfoAsync("persistence")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return long.Parse(info["aof_current_size"], CultureInfo.InvariantCulture) + long.Parse(info["aof_buffer_length"], CultureInfo.InvariantCulture);
    }
}
