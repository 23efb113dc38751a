using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>Sends to a built-in queue; the message id de-duplicates a re-sent delivery.</summary>
internal sealed class QueueAdapter(IGrainFactory grains) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Queue;

    public Task DeliverAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken) =>
        grains.GetGrain<IQueueGrain>(address.Name).SendAsync(message.Body, message.Attributes, message.Id).WaitAsync(cancellationToken);
}
