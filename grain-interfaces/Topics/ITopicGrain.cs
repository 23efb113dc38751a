using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Topics;

/// <summary>A fan-out topic (key: topic name): every message goes to each subscription (queue, function or webhook).</summary>
[Alias("AsyncInvoke.ITopicGrain")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Adds a subscription; its endpoint is a destination URI or ARN. Adding it twice changes nothing.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(string endpoint);

    /// <summary>Removes a subscription; <c>false</c> when there was none.</summary>
    [Alias("Unsubscribe")]
    Task<bool> UnsubscribeAsync(string endpoint);

    /// <summary>The subscriptions, in the order they were added.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<string>> ListSubscriptionsAsync();

    /// <summary>Creates the topic with settable attributes; a topic that exists already keeps its own (SNS's idempotent create).</summary>
    [Alias("Create")]
    Task CreateAsync(IReadOnlyDictionary<string, string> attributes);

    /// <summary>The topic's attributes and subscriptions, or <c>null</c> when it does not exist (never created nor subscribed to).</summary>
    [Alias("GetInfo"), ReadOnly]
    Task<TopicInfo?> GetInfoAsync();

    /// <summary>Sets one attribute (an empty value removes it); <c>false</c> when the topic does not exist.</summary>
    [Alias("SetAttribute")]
    Task<bool> SetAttributeAsync(string name, string value);

    /// <summary>Deletes the topic with every subscription; <c>false</c> when it did not exist.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>
    /// Adds an SNS subscription (the endpoint is checked as <see cref="SubscribeAsync"/> checks it); one with the same
    /// protocol and endpoint is returned instead of a second.
    /// </summary>
    [Alias("SubscribeSns")]
    Task<TopicSubscription> SubscribeSnsAsync(TopicSubscription subscription);

    /// <summary>Removes an SNS subscription by id; <c>false</c> when there was none.</summary>
    [Alias("UnsubscribeSns")]
    Task<bool> UnsubscribeSnsAsync(string id);

    /// <summary>Sets an SNS subscription's raw delivery; <c>null</c> when there is no such subscription.</summary>
    [Alias("SetRawDelivery")]
    Task<TopicSubscription?> SetRawMessageDeliveryAsync(string id, bool raw);
}
