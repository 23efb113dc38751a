using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>One real Redis Cluster of three masters for a test class; not started where redis-server or redis-cli is missing.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; } = new(masters: 3);

    public Task InitializeAsync() => RedisCluster.WhyUnavailable() is null ? Cluster.StartAsync() : Task.CompletedTask;

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
}

/// <summary>A Redis Cluster test: skipped, and reported as skipped, where redis-server or redis-cli is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisClusterFactAttribute : FactAttribute
{
    public RedisClusterFactAttribute()
    {
        if (RedisCluster.WhyUnavailable() is { } reason)
        {
            Skip = $"Redis Cluster tier skipped: {reason}.";
        }
    }
}
