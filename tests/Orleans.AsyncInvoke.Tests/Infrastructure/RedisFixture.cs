using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>One real redis-server per test class.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; } = new();

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
