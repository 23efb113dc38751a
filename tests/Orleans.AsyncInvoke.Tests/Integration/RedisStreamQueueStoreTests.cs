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

    [Fact]
    public async Task Send_WhenADeduplicationIdIsOlderThanTheWindow_ForgetsIt()
    {
        var first = await _store.SendAsync(_queue, "once", null, "req-1:success");
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var again = await _store.SendAsync(_queue, "once", null, "req-1:success");

        Assert.NotEqual(first, again);
        Assert.Equal(2, await _store.DepthAsync(_queue));
        Assert.Equal(1, await RememberedIdsAsync());
    }

    [Fact]
    public async Task Send_WhenManyDeduplicationIdsAgeOut_KeepsOnlyTheOnesInTheWindow()
    {
        for (var i = 0; i < 50; i++)
        {
            await _store.SendAsync(_queue, "m", null, $"old-{i}:success");
        }

        _time.Advance(TimeSpan.FromHours(25));
        await _store.SendBatchAsync(_queue, [new QueueSend("n", null, "new:success")]);

        Assert.Equal(1, await RememberedIdsAsync());
    }

    [Fact]
    public async Task Purge_WhenMessagesWereSentWithDeduplicationIds_ForgetsTheIds()
    {
        await _store.SendAsync(_queue, "a", null, "r-1:success");
        await _store.SendBatchAsync(_queue, [new QueueSend("b", null, "r-2:success")]);

        await _store.PurgeAsync(_queue);
        await _store.SendAsync(_queue, "a", null, "r-1:success");
        var batch = await _store.SendBatchAsync(_queue, [new QueueSend("b", null, "r-2:success")]);

        Assert.NotEqual("", batch[0]);
        Assert.Equal(2, await _store.DepthAsync(_queue));
        Assert.Equal(2, await RememberedIdsAsync());
    }

    [Fact]
    public async Task Receive_WhenMoreThanTenThousandMessagesAreInFlight_FindsTheVisibleOneBehindThem()
    {
        const int count = 10_001;
        for (var start = 0; start < count; start += 1000)
        {
            await _store.SendBatchAsync(_queue, [.. Enumerable.Range(start, Math.Min(1000, count - start)).Select(n => new QueueSend($"m{n}", null))]);
        }

        var hidden = await _store.ReceiveAsync(_queue, 10_000, TimeSpan.FromMinutes(5));
        var next = await _store.ReceiveAsync(_queue, 1, TimeSpan.FromMinutes(5));

        Assert.Equal(10_000, hidden.Count);
        Assert.True(next.Count == 1, $"Expected the 10,001st message behind 10,000 in flight, received {next.Count}.");
        Assert.Equal("m10000", next[0].Body);
    }

    [Fact]
    public async Task Receive_WhenTheQueueWasWrittenBeforeTheVisibilityIndex_FindsItsMessagesWithTheirReceiveCounts()
    {
        var db = _redis.GetDatabase();
        var key = $"asyncinvoke:stream-tests:queue:{_queue}";
        var a = await db.StreamAddAsync(key, [new NameValueEntry("body", "a"), new NameValueEntry("attributes", "{}")]);
        await db.StreamAddAsync(key, [new NameValueEntry("body", "b"), new NameValueEntry("attributes", """{"RequestID":"r"}""")]);
        await db.HashSetAsync(key + ":inflight", a, $"{_time.GetUtcNow().ToUnixTimeMilliseconds() - 1}|2|{a}.2.{new string('0', 32)}");
        await db.HashSetAsync(key + ":dedup", "old:success", a.ToString());
        var queue = _store.For(_queue);

        var received = (await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), DateTimeOffset.MinValue)).OrderBy(m => m.Body, StringComparer.Ordinal).ToList();
        var repeat = await queue.SendAsync([new QueueSend("a", null, "old:success")], TimeSpan.Zero);

        Assert.Equal(["a", "b"], received.Select(m => m.Body));
        Assert.Equal([3, 1], received.Select(m => m.ReceiveCount));
        Assert.Equal("r", received[1].Attributes["RequestID"]);
        Assert.Equal((a.ToString(), true), (repeat[0].Id, repeat[0].Repeat));
        Assert.False(await db.KeyExistsAsync(key + ":inflight"));
    }

    [Fact]
    public async Task Receive_WhenAMessageIsDelayed_CountsItDelayedUntilItIsDue()
    {
        var queue = _store.For(_queue);
        await queue.SendAsync([new QueueSend("later", null) { Delay = TimeSpan.FromSeconds(10) }, new QueueSend("now", null)], TimeSpan.Zero);

        var first = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), DateTimeOffset.MinValue);
        var counts = await queue.CountAsync();
        var nextVisible = await queue.NextVisibleAtAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), DateTimeOffset.MinValue);

        Assert.Equal(["now"], first.Select(m => m.Body));
        Assert.Equal(new QueueCounts(0, 1, 1), counts);
        Assert.Equal(_time.GetUtcNow(), nextVisible);
        Assert.Equal(["later"], second.Select(m => m.Body));
    }

    [Fact]
    public async Task ChangeVisibility_WhenTheReceiptIsLatestStaleOrTheMessageVisible_AnswersEach()
    {
        var queue = _store.For(_queue);
        await queue.SendAsync([new QueueSend("m", null)], TimeSpan.Zero);
        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), DateTimeOffset.MinValue));

        var changed = await queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.Zero);
        var notInFlight = await queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.FromSeconds(5));
        var second = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30), DateTimeOffset.MinValue));
        var stale = await queue.ChangeVisibilityAsync(first.ReceiptHandle, TimeSpan.FromSeconds(5));

        Assert.Equal((VisibilityChange.Changed, VisibilityChange.NotInFlight, VisibilityChange.InvalidReceipt), (changed, notInFlight, stale));
        Assert.Equal(2, second.ReceiveCount);
        Assert.Equal(first.FirstReceivedAt, second.FirstReceivedAt);
    }

    [Fact]
    public async Task Receive_WhenAMessageIsOlderThanTheRetention_DeletesItInsteadOfHandingItOut()
    {
        var queue = _store.For(_queue);
        await queue.SendAsync([new QueueSend("old", null)], TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(2));
        await queue.SendAsync([new QueueSend("new", null)], TimeSpan.Zero);

        var received = await queue.ReceiveAsync(10, TimeSpan.FromSeconds(30), _time.GetUtcNow() - TimeSpan.FromMinutes(1));

        Assert.Equal(["new"], received.Select(m => m.Body));
        Assert.Equal(1, await queue.DepthAsync());
    }

    /// <summary>Deduplication ids the store remembers for the queue, in whichever hash it keeps them.</summary>
    private async Task<long> RememberedIdsAsync()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        long total = 0;
        await foreach (var key in server.KeysAsync(pattern: $"*{_queue}*"))
        {
            if (await _redis.GetDatabase().KeyTypeAsync(key) == RedisType.Hash && (key.ToString().EndsWith(":dedup", StringComparison.Ordinal) || key.ToString().EndsWith(":sent-ids", StringComparison.Ordinal)))
            {
                total += await _redis.GetDatabase().HashLengthAsync(key);
            }
        }

        return total;
    }
}
