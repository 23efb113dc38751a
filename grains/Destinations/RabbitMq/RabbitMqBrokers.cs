using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Destinations.RabbitMq;

/// <summary>
/// One connection per broker per silo (scheme, credentials, host, port and virtual host), shared by every exchange and
/// routing key on it, so a busy destination does not open a connection per delivery.
/// </summary>
internal sealed class RabbitMqBrokers(OutboundAddressGuard guard, ILogger<RabbitMqBroker> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RabbitMqBroker>> _brokers = new(StringComparer.Ordinal);

    public RabbitMqBroker For(AmqpAddress address) =>
        _brokers.GetOrAdd(address.Broker, _ => new Lazy<RabbitMqBroker>(() => new RabbitMqBroker(address, guard, logger))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in _brokers.Values.Where(b => b.IsValueCreated))
        {
            await broker.Value.DisposeAsync();
        }
    }
}
