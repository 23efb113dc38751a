using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>
/// Fans messages out: each subscription gets its own delivery (its own retries and parking), keyed by the message
/// and the topic, stored in the same step that acknowledges the topic's delivery.
/// </summary>
internal sealed class TopicAdapter(IGrainFactory grains, IEnumerable<ITopicPublisher> publishers, TimeProvider time) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Topic;

    public int MaxBatch => 256;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        var subscriptions = await grains.GetGrain<ITopicGrain>(address.Name).ListSubscriptionsAsync().WaitAsync(cancellationToken);
        var now = time.GetUtcNow();
        var followUps = new List<Delivery>(messages.Count * subscriptions.Count);
        foreach (var message in messages)
        {
            var fanned = message with { Id = $"{message.Id}@topic/{address.Name}" };
            followUps.AddRange(subscriptions.Select(endpoint => Delivery.To(endpoint, fanned, now)).OfType<Delivery>());
        }

        // Live listeners get them too; pub/sub keeps nothing, the subscriptions above are the durable path.
        foreach (var publisher in publishers)
        {
            await Task.WhenAll(messages.Select(m => publisher.PublishAsync(address.Name, m.Body))).WaitAsync(cancellationToken);
        }

        return followUps;
    }
}
