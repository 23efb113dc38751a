using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>Publishes topic messages on the Redis channel <c>asyncinvoke:topic:&lt;name&gt;</c> for live listeners.</summary>
public sealed class RedisTopicPublisher(IConnectionMultiplexer redis) : ITopicPublisher
{
    /// <summary>The channel of a topic.</summary>
    public static string Channel(string topic) => $"asyncinvoke:topic:{topic}";

    public Task PublishAsync(string topic, string body) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channel(topic)), body);
}
