using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.AsyncInvoke.Tests.Storage;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The Redis profile's store against a real redis-server: the same conformance suite as the memory store.</summary>
[Trait("Category", "Integration")]
public sealed class RedisInvocationStoreTests(RedisFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : InvocationStoreConformance, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private IInvocationStore _store = null!;

    protected override IInvocationStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var layout = new RedisLayout($"store-{Guid.NewGuid():N}", 1);
        _store = new RedisInvocationStore(_redis, CreateSerializer(), layout, new(_redis, CreateSerializer<Orleans.AsyncInvoke.Destinations.DestinationMessage>(), layout));
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task TryCreate_WhenTheIdIsNew_StoresStateAndWakeUpInOneKeyAndOneSortedSet()
    {
        var id = Orleans.AsyncInvoke.Invocations.RequestIds.New();
        var layout = new RedisLayout("layout", 1);
        var store = new RedisInvocationStore(_redis, CreateSerializer(), layout, new(_redis, CreateSerializer<Orleans.AsyncInvoke.Destinations.DestinationMessage>(), layout));

        await store.TryCreateAsync(id, Orleans.AsyncInvoke.Invocations.InvocationState.Accepted(
            new() { FunctionName = "fn", Qualifier = "$LATEST", Payload = [] }, DateTimeOffset.UnixEpoch), DateTimeOffset.FromUnixTimeMilliseconds(1234));

        var db = _redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync($"asyncinvoke:layout:inv:{id}"));
        Assert.Equal(1234, await db.SortedSetScoreAsync("asyncinvoke:layout:wake:pending", id));
    }

    [Fact]
    public async Task ListingIndex_CostsAboutOneSortedSetEntryPerInvocation()
    {
        const int Count = 10_000;
        var serviceId = $"index-{Guid.NewGuid():N}";
        var layout = new RedisLayout(serviceId, 1);
        var store = new RedisInvocationStore(_redis, CreateSerializer(), layout, new(_redis, CreateSerializer<Orleans.AsyncInvoke.Destinations.DestinationMessage>(), layout));
        var ids = Enumerable.Range(0, Count).Select(_ => Orleans.AsyncInvoke.Invocations.RequestIds.New()).ToArray();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000);
        // In chunks: ten thousand scripts sent at once can outlast the client's timeout on a busy machine.
        foreach (var chunk in ids.Select((id, i) => (id, i)).Chunk(500))
        {
            await Task.WhenAll(chunk.Select(e => store.TryCreateAsync(e.id, Orleans.AsyncInvoke.Invocations.InvocationState.Accepted(
                new() { FunctionName = "measured", Qualifier = "$LATEST", Payload = [] }, at.AddMilliseconds(e.i)), at.AddYears(1))));
        }

        var bytes = (long)await _redis.GetDatabase().ExecuteAsync("MEMORY", "USAGE", $"asyncinvoke:{serviceId}:idx:fn:measured", "SAMPLES", "0");

        var perInvocation = (double)bytes / Count;
        output.WriteLine($"listing index: {bytes} bytes for {Count} invocations, {perInvocation:0.0} bytes each");
        Assert.InRange(perInvocation, 40, 200);
    }

    [Fact]
    public async Task Write_WhenASucceededInvocationLeftOutItsPayloads_KeepsItInAtMost250Bytes()
    {
        // The key as the silo names it with the default service id, holding the state a finished echo leaves.
        var layout = new RedisLayout("asyncinvoke", 1);
        var store = new RedisInvocationStore(_redis, CreateSerializer(), layout, new(_redis, CreateSerializer<Orleans.AsyncInvoke.Destinations.DestinationMessage>(), layout));
        var id = Orleans.AsyncInvoke.Invocations.RequestIds.New();
        var state = Unit.InvocationStateCodecTests.Succeeded();

        await store.WriteAsync(id, state, state.RetainUntil!.Value);

        var db = _redis.GetDatabase();
        var bytes = (long)await db.ExecuteAsync("MEMORY", "USAGE", $"asyncinvoke:asyncinvoke:inv:{id}", "SAMPLES", "0");
        var value = await db.StringLengthAsync($"asyncinvoke:asyncinvoke:inv:{id}");
        output.WriteLine($"finished invocation: {bytes} bytes in Redis (value {value} bytes)");
        Assert.InRange(bytes, 1, 250);
        var back = await store.ReadAsync(id);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(state), System.Text.Json.JsonSerializer.Serialize(back));
        await store.DeleteAsync(id, state.FunctionName);
    }
}
