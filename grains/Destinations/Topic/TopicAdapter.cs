using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>
/// Fans messages out: each subscription gets its own delivery (its own retries and parking), keyed by the message
/// and the topic, stored in the same step that acknowledges the topic's delivery. Plain endpoints (<c>/topics</c>)
/// get the message as it is; SNS subscriptions get SNS's envelope for their protocol.
/// </summary>
internal sealed class TopicAdapter(IGrainFactory grains, IEnumerable<ITopicPublisher> publishers, TimeProvider time, IOptions<AsyncInvokeOptions> options) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Topic;

    public int MaxBatch => 256;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        var info = await grains.GetGrain<ITopicGrain>(address.Name).GetInfoAsync().WaitAsync(cancellationToken);
        var endpoints = info?.Endpoints ?? [];
        var subscriptions = info?.Subscriptions ?? [];
        var now = time.GetUtcNow();
        var topicArn = $"arn:aws:sns:{options.Value.Region}:{options.Value.AccountId}:{address.Name}";
        var followUps = new List<Delivery>(messages.Count * (endpoints.Count + subscriptions.Count));
        foreach (var message in messages)
        {
            var fanned = message with { Id = $"{message.Id}@topic/{address.Name}" };
            followUps.AddRange(endpoints.Select(endpoint => Delivery.To(endpoint, fanned, now)).OfType<Delivery>());
            if (subscriptions.Count > 0)
            {
                var notification = SnsNotification.Of(message, topicArn, now);
                followUps.AddRange(subscriptions.Select(s => Delivery.To(s.Endpoint, Enveloped(message, address.Name, topicArn, s, notification), now)).OfType<Delivery>());
            }
        }

        // Live listeners get them too; pub/sub keeps nothing, the subscriptions above are the durable path.
        foreach (var publisher in publishers)
        {
            await Task.WhenAll(messages.Select(m => publisher.PublishAsync(address.Name, m.Body))).WaitAsync(cancellationToken);
        }

        return followUps;
    }

    /// <summary>The message in the envelope of one SNS subscription, under an id of its own (two subscriptions may share a queue).</summary>
    private DestinationMessage Enveloped(DestinationMessage message, string topic, string topicArn, TopicSubscription subscription, SnsNotification notification)
    {
        var subscriptionArn = $"{topicArn}:{subscription.Id}";
        var region = options.Value.Region;
        var id = $"{message.Id}@sns/{topic}/{subscription.Id}";
        return subscription.Protocol switch
        {
            "lambda" => message with { Id = id, Body = SnsEnvelopes.LambdaEvent(notification, subscriptionArn, region), Attributes = new Dictionary<string, string>(), Publication = null },
            "http" or "https" => message with
            {
                Id = id,
                Body = subscription.RawMessageDelivery ? notification.Message : SnsEnvelopes.Notification(notification, subscriptionArn, region),
                Headers = SnsEnvelopes.Headers(notification, subscriptionArn, subscription.RawMessageDelivery),
                Attributes = new Dictionary<string, string>(),
                Publication = null,
            },
            // A raw queue delivery carries the message attributes as the queue's own message attributes.
            _ when subscription.RawMessageDelivery => message with
            {
                Id = id,
                Body = notification.Message,
                Attributes = notification.Attributes.ToDictionary(a => a.Key, a => a.Value.Value, StringComparer.Ordinal),
                Publication = null,
            },
            _ => message with { Id = id, Body = SnsEnvelopes.Notification(notification, subscriptionArn, region), Attributes = new Dictionary<string, string>(), Publication = null },
        };
    }
}
