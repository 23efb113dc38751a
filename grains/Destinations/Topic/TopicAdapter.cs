using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>
/// Fans a message out: each subscription gets its own durable delivery (its own destination grain, retries and
/// parking), keyed by the message and the topic so a repeated fan-out delivers nothing twice.
/// </summary>
internal sealed class TopicAdapter(IGrainFactory grains, IEnumerable<ITopicPublisher> publishers) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Topic;

    public async Task DeliverAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken)
    {
        var subscriptions = await grains.GetGrain<ITopicGrain>(address.Name).ListSubscriptionsAsync().WaitAsync(cancellationToken);
        await Task.WhenAll(subscriptions.Select(endpoint => grains.GetGrain<IDestinationGrain>(endpoint)
            .EnqueueAsync(message with { Id = $"{message.Id}@topic/{address.Name}" }))).WaitAsync(cancellationToken);

        // Live listeners get it too; pub/sub keeps nothing, the subscriptions above are the durable path.
        foreach (var publisher in publishers)
        {
            await publisher.PublishAsync(address.Name, message.Body).WaitAsync(cancellationToken);
        }
    }
}
