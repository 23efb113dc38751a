using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>The queue grain of the embedded profile on a fake clock: settings, long-poll waits, delays, redrive, retention.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class QueueGrainTests(ClusterFixture fixture)
{
    /// <summary>Real time a completed wait may take to come back; the fake clock never moves by itself.</summary>
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(10);

    private IQueueGrain Queue(out string name)
    {
        name = $"q-{Guid.NewGuid():N}";
        return fixture.Cluster.Client.GetGrain<IQueueGrain>(name);
    }

    [Fact]
    public async Task WaitForMessage_WhenAMessageIsSentDuringTheWait_CompletesAtOnce()
    {
        var queue = Queue(out _);
        await queue.CreateAsync(new Dictionary<string, string>());

        var waiting = queue.WaitForMessageAsync(TimeSpan.FromSeconds(20));
        // A call behind the wait: once it is answered the wait has begun (and, on a clock that does not move, would
        // never end by itself).
        await queue.CountAsync();
        Assert.False(waiting.IsCompleted);
        await queue.SendAsync("now", null, null);

        await waiting.WaitAsync(Answer);
        Assert.Equal("now", Assert.Single(await queue.ReceiveMessagesAsync(10, null)).Body);
    }

    [Fact]
    public async Task WaitForMessage_WhenADelayedMessageBecomesDue_CompletesWithoutASend()
    {
        var queue = Queue(out _);
        await queue.SendBatchAsync([new QueueSend("later", null) { Delay = TimeSpan.FromSeconds(30) }]);
        Assert.Equal(new QueueCounts(0, 0, 1), await queue.CountAsync());

        var waiting = queue.WaitForMessageAsync(TimeSpan.FromSeconds(60));
        Assert.False(waiting.IsCompleted);
        // The grain's timeout is on the fake clock: move it once the wait has started, until the wait sees it.
        await Eventually.TrueAsync(() =>
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(30));
            return Task.FromResult(waiting.IsCompleted);
        }, "the wait to end when the delayed message became due", Answer);

        Assert.Equal("later", Assert.Single(await queue.ReceiveMessagesAsync(10, null)).Body);
    }

    [Fact]
    public async Task CreateAsync_WhenTheQueueExists_KeepsItAndNamesADifferingAttribute()
    {
        var queue = Queue(out _);

        var created = await queue.CreateAsync(new Dictionary<string, string> { ["VisibilityTimeout"] = "40" });
        var same = await queue.CreateAsync(new Dictionary<string, string> { ["VisibilityTimeout"] = "40" });
        var other = await queue.CreateAsync(new Dictionary<string, string> { ["VisibilityTimeout"] = "41", ["DelaySeconds"] = "0" });

        Assert.Equal(new QueueCreation(true, null), created);
        Assert.Equal(new QueueCreation(false, null), same);
        Assert.Equal(new QueueCreation(false, "VisibilityTimeout"), other);
        Assert.Equal("40", (await queue.GetSettingsAsync())!.Get("VisibilityTimeout"));
    }

    [Fact]
    public async Task ReceiveMessages_WhenReceivedMoreThanMaxReceiveCount_MovesTheMessageWithItsAttributes()
    {
        var dlq = Queue(out var dlqName);
        await dlq.CreateAsync(new Dictionary<string, string>());
        var queue = Queue(out _);
        await queue.CreateAsync(new Dictionary<string, string>
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:{{dlqName}}","maxReceiveCount":2}""",
        });
        await queue.SendBatchAsync([new QueueSend("poison", new Dictionary<string, string> { ["n"] = "1" }) { AttributeTypes = new Dictionary<string, string> { ["n"] = "Number" } }]);

        var counts = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            counts.AddRange((await queue.ReceiveMessagesAsync(1, TimeSpan.Zero)).Select(m => m.ReceiveCount));
        }

        var moved = Assert.Single(await dlq.ReceiveMessagesAsync(10, null));
        Assert.Equal([1, 2], counts);
        Assert.Equal(("poison", "1", "Number"), (moved.Body, moved.Attributes["n"], moved.AttributeTypes["n"]));
        Assert.Equal(0, await queue.DepthAsync());
    }

    [Fact]
    public async Task ReceiveMessages_WhenAMessageOutlivesTheRetentionPeriod_DropsIt()
    {
        var queue = Queue(out _);
        await queue.CreateAsync(new Dictionary<string, string> { ["MessageRetentionPeriod"] = "60" });
        await queue.SendAsync("old", null, null);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var received = await queue.ReceiveMessagesAsync(10, null);

        Assert.Empty(received);
        Assert.Equal(0, await queue.DepthAsync());
    }

    [Fact]
    public async Task DeleteQueueAsync_WhenTheQueueExists_ForgetsItsSettingsMessagesAndName()
    {
        var queue = Queue(out var name);
        await queue.CreateAsync(new Dictionary<string, string> { ["DelaySeconds"] = "5" });
        await queue.SendAsync("m", null, null);

        Assert.True(await queue.DeleteQueueAsync());

        Assert.Null(await queue.GetSettingsAsync());
        Assert.Equal(0, await queue.DepthAsync());
        Assert.DoesNotContain(name, await fixture.Cluster.Client.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).ListAsync());
        Assert.False(await queue.DeleteQueueAsync());
    }
}
