namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Delivers to one kind of destination. Throw to fail the call: every message in it is retried by the delivery
/// pump with backoff, then parked.
/// </summary>
public interface IDestinationAdapter
{
    /// <summary>The kind this adapter serves.</summary>
    DestinationKind Kind { get; }

    /// <summary>Most messages one call takes: built-in targets take batches, remote ones one message a call.</summary>
    int MaxBatch { get; }

    /// <summary>
    /// Delivers <paramref name="messages"/> (at most <see cref="MaxBatch"/>) to <paramref name="address"/>. Returns the
    /// deliveries they fan out to (a topic's subscriptions, a bus's rule targets): those are stored in the same step
    /// that acknowledges these, so a fan-out is never lost nor repeated.
    /// </summary>
    Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken);
}
