using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Batching;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class MicroBatcherTests
{
    [Fact]
    public async Task SendAsync_WhenASlotIsFree_SendsAtOnceAlone()
    {
        var batches = new List<int[]>();
        var batcher = new MicroBatcher<int, int>(items => { lock (batches) { batches.Add(items); } return Task.FromResult(items.Select(i => i * 10).ToArray()); });

        Assert.Equal(70, await batcher.SendAsync(7));

        Assert.Equal([7], Assert.Single(batches));
    }

    [Fact]
    public async Task SendAsync_WhenEverySlotIsBusy_GathersTheWaitingItemsIntoOneBatchAndAnswersEachInOrder()
    {
        var release = new TaskCompletionSource();
        var batches = new List<int[]>();
        var batcher = new MicroBatcher<int, string>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            await release.Task;
            return [.. items.Select(i => $"r{i}")];
        }, maxBatch: 100, maxInFlight: 1);

        var first = batcher.SendAsync(0);
        await WaitUntilAsync(() => batches.Count == 1);
        var waiting = Enumerable.Range(1, 5).Select(batcher.SendAsync).ToArray();
        release.SetResult();
        var answers = await Task.WhenAll(waiting);

        Assert.Equal("r0", await first);
        Assert.Equal(["r1", "r2", "r3", "r4", "r5"], answers);
        Assert.Equal([[0], [1, 2, 3, 4, 5]], batches);
    }

    [Fact]
    public async Task SendAsync_WhenTheBatchFails_FailsEveryItemOfIt()
    {
        var batcher = new MicroBatcher<int, int>(_ => Task.FromException<int[]>(new InvalidOperationException("store down")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SendAsync(1));

        Assert.Equal("store down", error.Message);
        Assert.Equal(2, await new MicroBatcher<int, int>(items => Task.FromResult(items)).SendAsync(2));
    }

    [Fact]
    public async Task SendAsync_WhenManyCallersAreConcurrent_AnswersEveryOneWithItsOwnResult()
    {
        var batcher = new MicroBatcher<int, int>(async items => { await Task.Yield(); return [.. items.Select(i => -i)]; }, maxBatch: 16, maxInFlight: 2);

        var answers = await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => Task.Run(() => batcher.SendAsync(i))));

        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => -i), answers);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
