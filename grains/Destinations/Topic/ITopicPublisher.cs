namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>Publishes what reaches a topic to live listeners (the Redis profile's pub/sub channel).</summary>
public interface ITopicPublisher
{
    /// <summary>Publishes <paramref name="body"/> on the topic's channel.</summary>
    Task PublishAsync(string topic, string body);
}
