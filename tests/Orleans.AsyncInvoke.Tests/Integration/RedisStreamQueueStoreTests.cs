using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.AsyncInvoke.Destinations.Queue;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The Redis profile's queue store against a real redis-server.</summary>
[Trait("Category", "Integration")]
public sealed class RedisStreamQueueStoreTests(RedisFixture fixture) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _queue = $"q-{Guid.NewGuid():N}";
    private ConnectionMultiplexer _redis = null!;
    private RedisStreamQueueStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        _store = new RedisStreamQueueStore(_redis, Options.Create(new ClusterOptions { ServiceId = "stream-tests" }), _time);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task SendBatch_WhenMessagesComeAgainWithTheirDeduplicationIds_AppendsEachOnce()
    {
        var first = await _store.SendBatchAsync(_queue, [new QueueSend("one", null, "r-1:success"), new QueueSend("two", null, "r-2:success")]);
        var again = await _store.SendBatchAsync(_queue, [new QueueSend("two", null, "r-2:success"), new QueueSend("three", null, "r-3:success"), new QueueSend("plain", null)]);

        Assert.All(first, id => Assert.NotEmpty(id));
        Assert.Equal("", again[0]);
        Assert.NotEmpty(again[1]);
        var received = await _store.ReceiveAsync(_queue, 10, TimeSpan.FromSeconds(30));
        Assert.Equal(["one", "two", "three", "plain"], received.Select(m => m.Body));
    }

    [Fact]
    public async Task SendBatch_WhenADeduplicationIdIsOlderThanTheRetention_AppendsItAgain()
    {
        await _store.SendBatchAsync(_queue, [new QueueSend("one", null, "r-1:success")]);
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var again = await _store.SendBatchAsync(_queue, [new QueueSend("one", null, "r-1:success")]);

        Assert.NotEmpty(again[0]);
        Assert.Equal(2, await _redis.GetDatabase().StreamLengthAsync($"asyncinvoke:stream-tests:queue:{_queue}"));
        Assert.Equal(1, await _redis.GetDatabase().SortedSetLengthAsync(_store.SentKey(_queue)));
    }

    [Fact]
    public async Task Send_WhenTwoMessagesAreSent_AppendsThemToTheQueuesRedisStream()
    {
        await _store.SendAsync(_queue, "one", new Dictionary<string, string> { ["RequestID"] = "r-1" }, null);
        await _store.SendAsync(_queue, "two", null, null);

        Assert.Equal(2, await _redis.GetDatabase().StreamLengthAsync($"asyncinvoke:stream-tests:queue:{_queue}"));
        Assert.Equal(2, await _store.DepthAsync(_queue));
        var received = await _store.ReceiveAsync(_queue, 10, TimeSpan.FromSeconds(30));
        Assert.Equal(["one", "two"], received.Select(m => m.Body));
        Assert.Equal("r-1", received[0].Attributes["RequestID"]);
    }

    [Fact]
    public async Task Receive_WhenAMessageWasReceived_HidesItForItsVisibilityTimeoutThenHandsItOutAgain()
    {
        await _store.SendAsync(_queue, "body", null, null);

        var first = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        _time.Advance(TimeSpan.FromSeconds(30));
        var second = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal((first.MessageId, 2), (second.MessageId, second.ReceiveCount));
        Assert.False(await _store.DeleteAsync(_queue, first.ReceiptHandle));
        Assert.True(await _store.DeleteAsync(_queue, second.ReceiptHandle));
        Assert.Equal(0, await _store.DepthAsync(_queue));
    }

    [Fact]
    public async Task Send_WhenTheDeduplicationIdWasSeenBefore_ReturnsTheFirstMessage()
    {
        var first = await _store.SendAsync(_queue, "once", null, "req-1:success");
        var again = await _store.SendAsync(_queue, "once", null, "req-1:success");

        Assert.Equal(first, again);
        Assert.Equal(1, await _store.DepthAsync(_queue));
    }

    [Fact]
    public async Task Purge_WhenAMessageIsInFlight_EmptiesTheQueue()
    {
        await _store.SendAsync(_queue, "a", null, null);
        await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30));

        await _store.PurgeAsync(_queue);

        Assert.Equal(0, await _store.DepthAsync(_queue));
        Assert.Empty(await _store.ReceiveAsync(_queue, 10, TimeSpan.Zero));
    }

    [Fact]
    public async Task Receive_WhenManyMessagesAreInvisible_FindsTheVisibleOnesBehindThem()
    {
        for (var i = 0; i < 1201; i++)
        {
            await _store.SendAsync(_queue, $"m{i}", null, null);
        }

        var hidden = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            hidden.AddRange((await _store.ReceiveAsync(_queue, 10, TimeSpan.FromMinutes(5))).Select(m => m.Body));
        }

        var next = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromMinutes(5)));
        Assert.Equal(1200, hidden.Distinct().Count());
        Assert.Equal("m0", hidden[0]);
        Assert.Equal("m1200", next.Body);
    }
}
