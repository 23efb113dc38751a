using Orleans.AsyncInvoke.Hosting;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>
/// Redis answers a PING within the bound: every accept is a write to Redis, so a silo that cannot reach it cannot
/// acknowledge anything. The Orleans grains of a running silo keep answering from memory through a Redis outage,
/// which is why a grain call alone said "ready" while every accept failed.
/// </summary>
internal sealed class RedisReadinessCheck(IConnectionMultiplexer redis) : IReadinessCheck
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return "redis unreachable";
        }

        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(Bound, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return $"redis unreachable ({ex.GetType().Name})";
        }
    }
}
