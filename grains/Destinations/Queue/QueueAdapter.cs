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
            .SendBatchAsync([.. messages.Select(m => new QueueSend(m.Body, m.Attributes, m.Id) { AttributeTypes = TypesOf(m) })])
            .WaitAsync(cancellationToken);
        return [];
    }

    /// <summary>Lambda's dead-letter messages carry <c>ErrorCode</c> as a Number attribute, the others as Strings.</summary>
    private static IReadOnlyDictionary<string, string>? TypesOf(DestinationMessage message) =>
        message.Id.EndsWith(DestinationMessage.DeadLetterSuffix, StringComparison.Ordinal) && message.Attributes.ContainsKey("ErrorCode")
            ? DeadLetterTypes
            : null;

    private static readonly IReadOnlyDictionary<string, string> DeadLetterTypes = new Dictionary<string, string> { ["ErrorCode"] = "Number" };
}
