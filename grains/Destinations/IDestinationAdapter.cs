namespace Orleans.AsyncInvoke.Destinations;

/// <summary>Delivers to one kind of destination. Throw to fail the delivery; the destination grain retries it.</summary>
public interface IDestinationAdapter
{
    /// <summary>The kind this adapter serves.</summary>
    DestinationKind Kind { get; }

    /// <summary>Delivers one message.</summary>
    Task DeliverAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken);
}
