using System.Text;
using Orleans.AsyncInvoke.Testing;
using RabbitMQ.Client;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>
/// A durable exchange with one durable queue bound to it on a real broker: the destination publishes to the exchange,
/// and what arrived is read back from the queue. Breaking it stops the broker; healing starts it again (durable queues
/// and persistent messages survive that).
/// </summary>
public sealed class RabbitMqTarget(RabbitMqServer server) : IBreakableTarget
{
    public const string RoutingKey = "records";

    private readonly List<BasicGetResult> _arrived = [];
    private IConnection? _connection;
    private IChannel? _channel;

    public string Exchange { get; } = $"records-{Guid.NewGuid():N}";

    public string Queue { get; } = $"consumer-{Guid.NewGuid():N}";

    public string Destination => $"{server.Uri}?exchange={Exchange}&routingKey={RoutingKey}";

    /// <summary>Everything read from the queue so far, properties included.</summary>
    public IReadOnlyList<BasicGetResult> Arrived
    {
        get
        {
            lock (_arrived)
            {
                return [.. _arrived];
            }
        }
    }

    public async Task DeclareAsync()
    {
        var channel = await ChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(Queue, Exchange, RoutingKey);
    }

    public async Task<IReadOnlyList<string>> DeliveredAsync()
    {
        if (server.IsRunning)
        {
            var channel = await ChannelAsync();
            while (await channel.BasicGetAsync(Queue, autoAck: true) is { } message)
            {
                lock (_arrived)
                {
                    _arrived.Add(message);
                }
            }
        }

        return [.. Arrived.Select(m => Encoding.UTF8.GetString(m.Body.Span))];
    }

    public Task BreakAsync() => server.StopAsync();

    public Task HealAsync() => server.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (server.IsRunning && _channel is { IsOpen: true } channel)
        {
            await channel.ExchangeDeleteAsync(Exchange);
            await channel.QueueDeleteAsync(Queue);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>The reading channel, opened again after a broker restart closed it.</summary>
    private async Task<IChannel> ChannelAsync()
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        if (_connection is not { IsOpen: true })
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            _connection = await server.ConnectAsync();
        }

        _channel = await _connection.CreateChannelAsync();
        return _channel;
    }
}
