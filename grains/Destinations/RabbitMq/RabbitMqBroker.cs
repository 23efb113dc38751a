using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Security;
using RabbitMQ.Client;

namespace Orleans.AsyncInvoke.Destinations.RabbitMq;

/// <summary>
/// One broker's connection on this silo, opened on first use and opened again after it is lost (a broker restart), and
/// the channels publishing over it. Channels have publisher confirms on, so a publish returns once the broker has the
/// message; a channel the broker closed (an error on it) is dropped, never reused.
/// </summary>
internal sealed partial class RabbitMqBroker(AmqpAddress address, OutboundAddressGuard guard, ILogger logger) : IAsyncDisposable
{
    /// <summary>Channels kept open for reuse; more are opened while all are busy, and closed when returned past this.</summary>
    private const int IdleChannels = 16;

    private static readonly CreateChannelOptions Confirmed = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentBag<IChannel> _idle = [];
    private IConnection? _connection;

    /// <summary>Runs <paramref name="publish"/> on an open confirming channel.</summary>
    public async Task PublishAsync(Func<IChannel, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        var channel = await RentAsync(cancellationToken);
        try
        {
            await publish(channel, cancellationToken);
        }
        finally
        {
            await ReturnAsync(channel);
        }
    }

    private async Task<IChannel> RentAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsOpen)
            {
                return idle;
            }

            await idle.DisposeAsync();
        }

        var connection = await ConnectionAsync(cancellationToken);
        return await connection.CreateChannelAsync(Confirmed, cancellationToken);
    }

    private async Task ReturnAsync(IChannel channel)
    {
        if (channel.IsOpen && _idle.Count < IdleChannels)
        {
            _idle.Add(channel);
            return;
        }

        await channel.DisposeAsync();
    }

    private async Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } opened)
            {
                return opened;
            }

            if (_connection is { } lost)
            {
                LogConnectionLost(logger, address.Endpoint);
                await lost.DisposeAsync();
                _connection = null;
            }

            _connection = await OpenAsync(cancellationToken);
            LogConnected(logger, address.Endpoint, address.VirtualHost);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// Connects to an address the outbound guard allows, resolved here and handed to the client as an address, so a
    /// DNS answer cannot change between the check and the connection. Recovery is ours (the next publish reconnects),
    /// not the client's, so a publish never waits on a recovery loop it cannot see.
    /// </summary>
    private async Task<IConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(address.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(address.Host, cancellationToken);
        var allowed = addresses.Where(a => guard.Allows(address.Host, a)).ToList();
        if (allowed.Count == 0)
        {
            throw new RabbitMqUnavailableException(
                $"The RabbitMQ broker {address.Endpoint} resolves only to internal addresses (private, loopback, link-local, metadata, this machine's own or another special-purpose range); add {address.Host} to {Webhook.WebhookOptions.SectionName}:AllowedHosts to allow it.");
        }

        var ssl = new SslOption { Enabled = address.Tls, ServerName = address.Host };
        var factory = new ConnectionFactory
        {
            UserName = address.UserName ?? ConnectionFactory.DefaultUser,
            Password = address.Password ?? ConnectionFactory.DefaultPass,
            VirtualHost = address.VirtualHost,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = "Orleans.AsyncInvoke",
        };
        return await factory.CreateConnectionAsync(allowed.Select(a => new AmqpTcpEndpoint(a.ToString(), address.Port, ssl)), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var channel))
        {
            await channel.DisposeAsync();
        }

        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _connecting.Dispose();
    }

    [LoggerMessage(EventId = LogEvents.RabbitMqConnected, Level = LogLevel.Information, Message = "Connected to the RabbitMQ broker {Endpoint} (virtual host {VirtualHost})")]
    private static partial void LogConnected(ILogger logger, string endpoint, string virtualHost);

    [LoggerMessage(EventId = LogEvents.RabbitMqConnectionLost, Level = LogLevel.Warning, Message = "The connection to the RabbitMQ broker {Endpoint} was lost; connecting again")]
    private static partial void LogConnectionLost(ILogger logger, string endpoint);
}
