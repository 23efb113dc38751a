using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.AsyncInvoke.Tests.Storage;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The sharded layout on a single redis-server (hash tags change nothing there): the invocation store's conformance suite.</summary>
[Trait("Category", "Integration")]
public sealed class ShardedRedisInvocationStoreTests(RedisFixture fixture) : InvocationStoreConformance, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const int Shards = 5;
    private ConnectionMultiplexer _redis = null!;
    private RedisLayout _layout = null!;
    private IInvocationStore _store = null!;

    protected override IInvocationStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        _layout = new RedisLayout($"sharded-{Guid.NewGuid():N}", Shards);
        _store = new RedisInvocationStore(_redis, CreateSerializer(), _layout, new(_redis, CreateSerializer<DestinationMessage>(), _layout));
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task TryCreate_WhenSharded_StoresRecordWakeUpAndListingEntryUnderOneHashTag()
    {
        var id = RequestIds.New();
        await _store.TryCreateAsync(id, InvocationState.Accepted(new() { FunctionName = "fn", Qualifier = "$LATEST", Payload = [] }, DateTimeOffset.UnixEpoch),
            DateTimeOffset.FromUnixTimeMilliseconds(1234));

        var prefix = _layout.Prefix(_layout.ShardOf(id));
        var db = _redis.GetDatabase();
        Assert.StartsWith("{", prefix, StringComparison.Ordinal);
        Assert.True(await db.KeyExistsAsync(prefix + "inv:" + id), $"Expected the record under {prefix}.");
        Assert.Equal(1234, await db.SortedSetScoreAsync(prefix + "wake:pending", id));
        Assert.NotNull(await db.SortedSetScoreAsync(prefix + "idx:fn:fn", id));
    }

    [Fact]
    public async Task ClaimDue_WhenOneShardHasABacklog_StillTakesWhatIsDueInTheOthersAndFillsTheClaim()
    {
        var due = DateTimeOffset.FromUnixTimeMilliseconds(1_000);
        var byShard = Enumerable.Range(0, 4000).Select(_ => RequestIds.New()).GroupBy(_layout.ShardOf).ToDictionary(g => g.Key, g => g.ToList());
        var backlog = byShard[0].Take(300).ToList();
        var few = Enumerable.Range(1, Shards - 1).Select(s => byShard[s][0]).ToList();
        await Task.WhenAll(backlog.Concat(few).Select(id => _store.TryCreateAsync(id,
            InvocationState.Accepted(new() { FunctionName = "fn", Qualifier = "$LATEST", Payload = [] }, DateTimeOffset.UnixEpoch), due)));

        var claimed = await _store.ClaimDueAsync(due, TimeSpan.FromMinutes(1), 100);

        Assert.Equal(100, claimed.Count);
        Assert.Equal(100, claimed.Distinct().Count());
        Assert.All(few, id => Assert.Contains(id, claimed));
    }
}

/// <summary>The sharded layout on a single redis-server: the delivery store's conformance suite.</summary>
[Trait("Category", "Integration")]
public sealed class ShardedRedisDeliveryStoreTests(RedisFixture fixture) : DeliveryStoreConformance, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private RedisDeliveryStore _store = null!;

    protected override IDeliveryStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        _store = new RedisDeliveryStore(_redis, TestSerializers.Create<DestinationMessage>(), new RedisLayout($"sharded-dlv-{Guid.NewGuid():N}", 5));
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();
}
