using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Listing;
using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Tests.Storage;

/// <summary>The listing over a large index: bounded pages, and never more of the index read than the pages show.</summary>
[Trait("Category", "Unit")]
public sealed class InvocationListerTests : InvocationStoreConformance
{
    private readonly CountingStore _store = new(new MemoryInvocationStore(new MemoryInvocationTable(), CreateSerializer()));

    protected override IInvocationStore Store => _store;

    [Fact]
    public async Task List_Of100000InvocationsOfOneFunction_PagesThroughAllReadingOnlyEachPage()
    {
        const int Count = 100_000;
        const int Limit = 1000;
        var fn = $"many-{Guid.NewGuid():N}";
        await CreateManyAsync(fn, Count, perMillisecond: 3);
        var lister = new InvocationLister(_store);
        _store.Listed = 0;

        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        var pages = 0;
        var largestRead = 0L;
        do
        {
            var before = _store.Listed;
            var page = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Limit = Limit, Next = next });
            largestRead = Math.Max(largestRead, _store.Listed - before);
            Assert.All(page.Items, s => Assert.True(ids.Add(s.RequestId), $"{s.RequestId} came twice."));
            next = page.Next;
            pages++;
        }
        while (next is not null);

        Assert.Equal(Count, ids.Count);
        Assert.Equal(Count / Limit + 1, pages);
        Assert.True(largestRead <= Limit, $"Expected a page to read at most {Limit} index entries; one read {largestRead}.");
        Assert.True(_store.Listed <= Count, $"Expected the whole listing to read each entry once ({Count}); it read {_store.Listed}.");
    }

    [Fact]
    public async Task List_WithAFilterNothingMatches_StopsEachPageAtTheScanBudgetWithAToken()
    {
        var fn = $"sparse-{Guid.NewGuid():N}";
        await CreateManyAsync(fn, InvocationLister.ScanBudget + 10, perMillisecond: 1);
        var lister = new InvocationLister(_store);
        _store.Listed = 0;

        var first = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Phase = InvocationPhase.Cancelled, Limit = 10 });
        var second = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Phase = InvocationPhase.Cancelled, Limit = 10, Next = first.Next });

        Assert.Empty(first.Items);
        Assert.NotNull(first.Next);
        Assert.Empty(second.Items);
        Assert.Null(second.Next);
        Assert.Equal(InvocationLister.ScanBudget + 10, _store.Listed);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1001, null)]
    [InlineData(10, "not a token")]
    public async Task List_WithABadLimitOrToken_IsAValidationError(int limit, string? next)
    {
        var error = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            new InvocationLister(_store).ListAsync(new InvocationQuery { FunctionName = "fn", Limit = limit, Next = next }));

        Assert.Equal(ErrorCodes.Validation, error.ErrorCode);
    }

    /// <summary>The memory store, counting the index entries listings read.</summary>
    private sealed class CountingStore(IInvocationStore inner) : IInvocationStore
    {
        public long Listed { get; set; }

        public Task<bool> TryCreateAsync(string requestId, InvocationState state, DateTimeOffset wakeAt) => inner.TryCreateAsync(requestId, state, wakeAt);

        public Task<InvocationState?> ReadAsync(string requestId) => inner.ReadAsync(requestId);

        public Task WriteAsync(string requestId, InvocationState state, DateTimeOffset wakeAt, Outbox? outbox = null) => inner.WriteAsync(requestId, state, wakeAt, outbox);

        public Task<bool> TryWriteUntouchedAsync(string requestId, DateTimeOffset storedWakeAt, InvocationState state, DateTimeOffset wakeAt) =>
            inner.TryWriteUntouchedAsync(requestId, storedWakeAt, state, wakeAt);

        public Task DeleteAsync(string requestId, string? functionName = null) => inner.DeleteAsync(requestId, functionName);

        public async Task<IReadOnlyList<IndexedInvocation>> ListAsync(string functionName, long beforeMs, int skip, int count)
        {
            var page = await inner.ListAsync(functionName, beforeMs, skip, count);
            Listed += page.Count;
            return page;
        }

        public Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max) => inner.ClaimDueAsync(now, lease, max);

        public Task<WakeUpBacklog> GetBacklogAsync() => inner.GetBacklogAsync();
    }
}
