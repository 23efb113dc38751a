namespace Orleans.AsyncInvoke.Destinations.Storage;

/// <summary>
/// Where deliveries live until they are done: one entry per delivery, a due index across all destinations (every
/// silo claims from it, so a hot destination's work spreads over the cluster), a parked index and three counters
/// per destination. Every operation costs the same store work per delivery whatever the backlog.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Stores deliveries due at <paramref name="dueAt"/>; an id already stored (pending or parked) is left as it is.
    /// </summary>
    /// <returns>How many were new.</returns>
    Task<int> AppendAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt);

    /// <summary>
    /// Takes up to <paramref name="max"/> deliveries due at <paramref name="now"/> and moves each one's due time to
    /// <paramref name="now"/> + <paramref name="lease"/> in the same step: two silos never take the same one, and
    /// one lost with its silo comes back after the lease.
    /// </summary>
    Task<IReadOnlyList<Delivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max);

    /// <summary>
    /// Removes delivered entries and, in the same step, stores the deliveries they fanned out to (a topic's
    /// subscriptions, a bus's rule targets), due at <paramref name="followUpsDueAt"/>: a fan-out is never half done.
    /// </summary>
    /// <returns>How many follow-ups were new.</returns>
    Task<int> CompleteAsync(IReadOnlyList<Delivery> delivered, IReadOnlyList<Delivery> followUps, DateTimeOffset followUpsDueAt);

    /// <summary>Records a failed attempt (<paramref name="delivery"/> carries the new count and error) and when to try again.</summary>
    Task RetryAtAsync(Delivery delivery, DateTimeOffset dueAt);

    /// <summary>Records a failed attempt and parks the delivery: it waits for a redrive.</summary>
    Task ParkAsync(Delivery delivery, DateTimeOffset parkedAt);

    /// <summary>Puts claimed deliveries back, due at <paramref name="dueAt"/>, without counting an attempt.</summary>
    Task ReleaseAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt);

    /// <summary>The counters of one destination (by canonical key).</summary>
    Task<DeliveryCounters> GetCountersAsync(string destination);

    /// <summary>Every destination deliveries were stored for, with its counters, in key order.</summary>
    Task<IReadOnlyList<(string Destination, DeliveryCounters Counters)>> ListDestinationsAsync();

    /// <summary>One page of a destination's parked deliveries, oldest first.</summary>
    Task<IReadOnlyList<Delivery>> ListParkedAsync(string destination, int offset, int limit);

    /// <summary>Moves up to <paramref name="max"/> parked deliveries back to due at <paramref name="now"/>, with a fresh retry window.</summary>
    /// <returns>How many were moved.</returns>
    Task<int> RedriveAsync(string destination, DateTimeOffset now, int max);
}
