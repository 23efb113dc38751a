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
}
