using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>One real RabbitMQ broker for a test class; not started where rabbitmq-server is not installed (the class's tests are skipped there).</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    public RabbitMqServer Server { get; } = new();

    public Task InitializeAsync() => RabbitMqServer.WhyUnavailable() is null ? Server.StartAsync() : Task.CompletedTask;

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>Skips the class where rabbitmq-server is not installed.</summary>
public sealed class RequiresRabbitMqAttribute : RequiresAttribute
{
    public override string? Reason => RabbitMqServer.WhyUnavailable() is { } why ? $"RabbitMQ tests skipped: {why}." : null;
}
