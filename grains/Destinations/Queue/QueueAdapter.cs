using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// Sends to a built-in queue, a batch per call (one grain call and one pipelined store write per batch). Each message
/// carries its delivery's id, so a batch sent again (delivered, then its silo died before the acknowledgement) adds
/// nothing twice.
/// </summary>
internal sealed class QueueAdapter(IGrainFactory grains) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Queue;

    public int MaxBatch => 256;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        await grains.GetGrain<IQueueGrain>(address.Name)
            .SendBatchAsync([.. messages.Select(m => new QueueSend(m.Body, m.Attributes, m.Id))])
            .WaitAsync(cancellationToken);
        return [];
    }
}
