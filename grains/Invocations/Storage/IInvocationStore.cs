namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// Where invocations live: each one's state, and a wake-up index that says when each must be looked at next. One
/// write stores both, so an accept is a single durable round trip and nothing is ever stored without a wake-up.
/// The index replaces a reminder per invocation: its cost stays flat however much work is pending.
/// </summary>
public interface IInvocationStore
{
    /// <summary>
    /// Stores a new invocation with its wake-up, unless one with this id is already stored.
    /// </summary>
    /// <returns><c>true</c> when stored; <c>false</c> when the id exists (nothing was changed).</returns>
    Task<bool> TryCreateAsync(string requestId, InvocationState state, DateTimeOffset wakeAt);

    /// <summary>The stored state, or <c>null</c>.</summary>
    Task<InvocationState?> ReadAsync(string requestId);

    /// <summary>
    /// Overwrites the state and moves its wake-up to <paramref name="wakeAt"/>; stores the <paramref name="outbox"/>'s
    /// deliveries in the same write (the final write of an invocation carries its record to its destinations), so the
    /// hand-off can never be lost between two writes nor happen twice.
    /// </summary>
    Task WriteAsync(string requestId, InvocationState state, DateTimeOffset wakeAt, Outbox? outbox = null);

    /// <summary>
    /// Writes as <see cref="WriteAsync"/> does (without an outbox), but only while the stored wake-up is still at
    /// <paramref name="storedWakeAt"/>: no one has written the invocation or claimed its wake-up since it was put
    /// there. A first attempt that ran from memory ends with this write, so it never overwrites what its invocation
    /// grain stored meanwhile (a cancel, say).
    /// </summary>
    /// <returns><c>true</c> when written; <c>false</c> when the invocation was gone or touched (nothing was changed).</returns>
    Task<bool> TryWriteUntouchedAsync(string requestId, DateTimeOffset storedWakeAt, InvocationState state, DateTimeOffset wakeAt);

    /// <summary>Removes the state, its wake-up and (given its function) its entry in the function's listing index.</summary>
    Task DeleteAsync(string requestId, string? functionName = null);

    /// <summary>
    /// Up to <paramref name="count"/> entries of <paramref name="functionName"/>'s listing index (every stored
    /// invocation, by received time), newest first: those received at or before <paramref name="beforeMs"/> (Unix ms),
    /// skipping the first <paramref name="skip"/> of them, each with its state (<c>null</c> when it was cleared meanwhile).
    /// The index entry is stored in the write that creates the invocation and removed with it.
    /// </summary>
    Task<IReadOnlyList<IndexedInvocation>> ListAsync(string functionName, long beforeMs, int skip, int count);

    /// <summary>
    /// Takes up to <paramref name="max"/> invocations whose wake-up is due at <paramref name="now"/> and moves each
    /// wake-up to <paramref name="now"/> + <paramref name="lease"/> in the same step, so two pumps never take the
    /// same one and a wake-up lost with its silo comes back after the lease.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max);

    /// <summary>Counts the unfinished invocations and finds the earliest wake-up among them.</summary>
    Task<WakeUpBacklog> GetBacklogAsync();
}

/// <summary>Deliveries stored with an invocation's write, due at <paramref name="DueAt"/>.</summary>
public sealed record Outbox(IReadOnlyList<Destinations.Delivery> Deliveries, DateTimeOffset DueAt);

/// <summary>One entry of a function's listing index.</summary>
public sealed record IndexedInvocation(string RequestId, long ReceivedAtMs, InvocationState? State);

/// <summary>The unfinished work in the store.</summary>
/// <param name="Pending">Invocations not final yet (accepted, running, waiting for a retry or after a throttle).</param>
/// <param name="EarliestWakeAt">The earliest wake-up of any of them, or <c>null</c> when there are none.</param>
public readonly record struct WakeUpBacklog(long Pending, DateTimeOffset? EarliestWakeAt);
