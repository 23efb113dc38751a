using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.Serialization;

namespace Orleans.AsyncInvoke.Tests.Storage;

/// <summary>
/// What every <see cref="IInvocationStore"/> must do, run against each one: create-if-absent, state and wake-up
/// moving together, claims that push a wake-up a lease ahead so it is handed out once, and a backlog of unfinished
/// work only.
/// </summary>
public abstract class InvocationStoreConformance
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected static Serializer<InvocationState> CreateSerializer() => TestSerializers.Create<InvocationState>();

    protected static Serializer<T> CreateSerializer<T>() => TestSerializers.Create<T>();

    /// <summary>A store with nothing in it that the other tests of the class can see.</summary>
    protected abstract IInvocationStore Store { get; }

    [Fact]
    public async Task TryCreate_WhenTheIdIsNew_StoresTheStateIntact()
    {
        var id = NewId();

        Assert.True(await Store.TryCreateAsync(id, State("fn", [1, 2, 3]), T0 + Lease));

        var read = await Store.ReadAsync(id);
        Assert.NotNull(read);
        Assert.Equal(("fn", InvocationPhase.Pending), (read.FunctionName, read.Phase));
        Assert.Equal([1, 2, 3], read.Payload);
    }

    [Fact]
    public async Task TryCreate_WhenTheIdExists_ChangesNothing()
    {
        var id = NewId();
        await Store.TryCreateAsync(id, State("first", [1]), T0 + Lease);

        Assert.False(await Store.TryCreateAsync(id, State("second", [2]), T0));

        Assert.Equal("first", (await Store.ReadAsync(id))!.FunctionName);
        Assert.DoesNotContain(id, await Store.ClaimDueAsync(T0, Lease, 100_000));
    }

    [Fact]
    public async Task Read_WhenNothingIsStored_ReturnsNull() =>
        Assert.Null(await Store.ReadAsync(NewId()));

    [Fact]
    public async Task ClaimDue_WhenSomeWakeUpsAreDue_HandsOutOnlyThoseAndEachOnceUntilTheLeaseEnds()
    {
        var due = NewId();
        var later = NewId();
        await Store.TryCreateAsync(due, State("fn", []), T0.AddDays(-10));
        await Store.TryCreateAsync(later, State("fn", []), T0.AddDays(-10).AddSeconds(30));

        var first = await Store.ClaimDueAsync(T0.AddDays(-10), Lease, 100_000);
        var again = await Store.ClaimDueAsync(T0.AddDays(-10).AddSeconds(59), Lease, 100_000);
        var afterLease = await Store.ClaimDueAsync(T0.AddDays(-10) + Lease, Lease, 100_000);

        Assert.Contains(due, first);
        Assert.DoesNotContain(later, first);
        Assert.DoesNotContain(due, again);
        Assert.Contains(later, again);
        Assert.Contains(due, afterLease);
    }

    [Fact]
    public async Task Write_WhenTheStateChanges_MovesTheWakeUpWithIt()
    {
        var id = NewId();
        await Store.TryCreateAsync(id, State("fn", []), T0.AddDays(-20));
        var waiting = State("fn", []);
        waiting.Phase = InvocationPhase.WaitingForRetry;
        waiting.AttemptCount = 1;

        await Store.WriteAsync(id, waiting, T0.AddDays(-19));

        Assert.DoesNotContain(id, await Store.ClaimDueAsync(T0.AddDays(-20), Lease, 100_000));
        Assert.Contains(id, await Store.ClaimDueAsync(T0.AddDays(-19), Lease, 100_000));
        Assert.Equal((InvocationPhase.WaitingForRetry, 1), ((await Store.ReadAsync(id))!.Phase, (await Store.ReadAsync(id))!.AttemptCount));
    }

    [Fact]
    public async Task TryWriteUntouched_WhenNothingTouchedItSinceTheCreate_WritesTheFinalStateAndMovesItsWakeUp()
    {
        var id = NewId();
        var backstop = T0.AddDays(-30).AddMilliseconds(17);
        await Store.TryCreateAsync(id, State("fn", "{}"u8.ToArray()), backstop);
        var final = Finished("fn");

        var written = await Store.TryWriteUntouchedAsync(id, backstop, final, T0.AddDays(-29));

        Assert.True(written);
        Assert.Equal(InvocationPhase.Succeeded, (await Store.ReadAsync(id))!.Phase);
        Assert.DoesNotContain(id, await Store.ClaimDueAsync(backstop, Lease, 100_000));
        Assert.Contains(id, await Store.ClaimDueAsync(T0.AddDays(-29), Lease, 100_000));
    }

    [Fact]
    public async Task TryWriteUntouched_WhenAnotherWriteCameFirst_ChangesNothing()
    {
        var id = NewId();
        var backstop = T0.AddDays(-28);
        await Store.TryCreateAsync(id, State("fn", []), backstop);
        var cancelAsked = State("fn", []);
        cancelAsked.CancelRequested = true;
        await Store.WriteAsync(id, cancelAsked, backstop.AddMilliseconds(1));

        var written = await Store.TryWriteUntouchedAsync(id, backstop, Finished("fn"), T0.AddDays(-27));

        Assert.False(written);
        var stored = (await Store.ReadAsync(id))!;
        Assert.Equal((InvocationPhase.Pending, true), (stored.Phase, stored.CancelRequested));
        Assert.Contains(id, await Store.ClaimDueAsync(backstop.AddMilliseconds(1), Lease, 100_000));
    }

    [Fact]
    public async Task TryWriteUntouched_WhenTheWakeUpWasClaimedOrTheIdIsUnknown_ChangesNothing()
    {
        var id = NewId();
        var backstop = T0.AddDays(-26);
        await Store.TryCreateAsync(id, State("fn", []), backstop);
        Assert.Contains(id, await Store.ClaimDueAsync(backstop, Lease, 100_000));

        var claimed = await Store.TryWriteUntouchedAsync(id, backstop, Finished("fn"), T0.AddDays(-25));
        var unknown = await Store.TryWriteUntouchedAsync(NewId(), backstop, Finished("fn"), T0.AddDays(-25));

        Assert.False(claimed);
        Assert.False(unknown);
        Assert.Equal(InvocationPhase.Pending, (await Store.ReadAsync(id))!.Phase);
    }

    [Fact]
    public async Task Delete_WhenTheInvocationExists_RemovesTheStateAndItsWakeUp()
    {
        var id = NewId();
        await Store.TryCreateAsync(id, State("fn", []), T0.AddDays(-30));

        await Store.DeleteAsync(id);

        Assert.Null(await Store.ReadAsync(id));
        Assert.DoesNotContain(id, await Store.ClaimDueAsync(T0, Lease, 100_000));
    }

    [Fact]
    public async Task Backlog_WhenAnInvocationFinishes_StopsCountingItButItStillWakesForCleanUp()
    {
        var before = await Store.GetBacklogAsync();
        var pending = NewId();
        var finished = NewId();
        await Store.TryCreateAsync(pending, State("fn", []), T0.AddYears(1));
        await Store.TryCreateAsync(finished, State("fn", []), T0.AddYears(1));
        var done = State("fn", []);
        done.Phase = InvocationPhase.Succeeded;
        await Store.WriteAsync(finished, done, T0.AddDays(-40));

        var after = await Store.GetBacklogAsync();

        Assert.Equal(before.Pending + 1, after.Pending);
        Assert.Contains(finished, await Store.ClaimDueAsync(T0.AddDays(-40), Lease, 100_000));
    }

    [Fact]
    public async Task ClaimDue_WhenMoreThanMaxAreDue_TakesAtMostMax()
    {
        var at = T0.AddDays(-50);
        var ids = Enumerable.Range(0, 5).Select(_ => NewId()).ToArray();
        foreach (var id in ids)
        {
            await Store.TryCreateAsync(id, State("fn", []), at);
        }

        var claimed = await Store.ClaimDueAsync(at, Lease, 3);

        Assert.Equal(3, claimed.Count);
    }

    [Fact]
    public async Task List_PagesNewestFirstThroughSharedMillisecondsWithoutRepeatsOrGaps()
    {
        var fn = $"list-{Guid.NewGuid():N}";
        var created = await CreateManyAsync(fn, 2_500, perMillisecond: 7);
        var lister = new Orleans.AsyncInvoke.Invocations.Listing.InvocationLister(Store);

        var seen = new List<InvocationSummary>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Limit = 100, Next = next });
            Assert.True(page.Items.Count <= 100, $"A page of limit 100 held {page.Items.Count}.");
            seen.AddRange(page.Items);
            next = page.Next;
            pages++;
        }
        while (next is not null);

        Assert.Equal(created.Count, seen.Count);
        Assert.Equal(created.Count, seen.Select(s => s.RequestId).Distinct().Count());
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.ReceivedAt >= p.Second.ReceivedAt), "Expected newest first.");
        Assert.InRange(pages, 25, 26);
    }

    [Fact]
    public async Task List_WithAPhaseAndSince_ReturnsOnlyMatchingInvocations()
    {
        var fn = $"filter-{Guid.NewGuid():N}";
        var ids = await CreateManyAsync(fn, 300, perMillisecond: 1);
        for (var i = 0; i < ids.Count; i += 3)
        {
            var state = (await Store.ReadAsync(ids[i]))!;
            state.Phase = InvocationPhase.Failed;
            await Store.WriteAsync(ids[i], state, T0.AddDays(1));
        }

        var lister = new Orleans.AsyncInvoke.Invocations.Listing.InvocationLister(Store);
        var failed = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Phase = InvocationPhase.Failed, Limit = 1000 });
        var recent = await lister.ListAsync(new InvocationQuery { FunctionName = fn, Since = T0.AddMilliseconds(250), Limit = 1000 });

        Assert.Equal(100, failed.Items.Count);
        Assert.All(failed.Items, s => Assert.Equal(InvocationPhase.Failed, s.Phase));
        Assert.Null(failed.Next);
        Assert.Equal(50, recent.Items.Count);
        Assert.All(recent.Items, s => Assert.True(s.ReceivedAt >= T0.AddMilliseconds(250)));
        Assert.Null(recent.Next);
    }

    [Fact]
    public async Task Delete_WithItsFunction_RemovesItsListingEntry()
    {
        var fn = $"gone-{Guid.NewGuid():N}";
        var ids = await CreateManyAsync(fn, 3, perMillisecond: 1);

        await Store.DeleteAsync(ids[1], fn);

        var listed = await Store.ListAsync(fn, long.MaxValue, 0, 10);
        Assert.Equal([ids[2], ids[0]], listed.Select(e => e.RequestId));
    }

    /// <summary>Creates <paramref name="count"/> invocations of <paramref name="function"/>, <paramref name="perMillisecond"/> received in each millisecond from T0.</summary>
    protected async Task<IReadOnlyList<string>> CreateManyAsync(string function, int count, int perMillisecond)
    {
        var ids = Enumerable.Range(0, count).Select(_ => NewId()).ToArray();
        var writes = ids.Select((id, i) => Store.TryCreateAsync(id,
            InvocationState.Accepted(new InvocationRequest { FunctionName = function, Qualifier = "$LATEST", Payload = [] }, T0.AddMilliseconds(i / perMillisecond)),
            T0.AddYears(10)));
        await Task.WhenAll(writes);
        return ids;
    }

    private static string NewId() => RequestIds.New();

    private static InvocationState Finished(string function)
    {
        var state = State(function, []);
        InvocationTransitions.BeginAttempt(state, T0);
        InvocationTransitions.CompleteAttempt(state, new AttemptRecord { Attempt = 1, StartedAt = T0, FinishedAt = T0, Outcome = "Success" }, null);
        InvocationTransitions.Finish(state, InvocationCondition.Success, T0, T0.AddDays(1), null, null);
        return state;
    }

    private static InvocationState State(string function, byte[] payload) =>
        InvocationState.Accepted(new InvocationRequest { FunctionName = function, Qualifier = "$LATEST", Payload = payload }, T0);
}
