using System.Text;
using RabbitMQ.Client;

namespace Orleans.AsyncInvoke.Destinations.RabbitMq;

/// <summary>
/// Publishes the record to a RabbitMQ exchange: persistent, <c>application/json</c>, message id the invocation's request
/// id, with publisher confirms and <c>mandatory</c> set, so the delivery counts only once the broker has taken the
/// message and routed it to a queue. A broker that is down, or a message no queue takes, is retried and then parked; a
/// refusal no retry can change (no such exchange or virtual host, access refused) parks at once.
/// </summary>
internal sealed class RabbitMqAdapter(RabbitMqBrokers brokers, TimeProvider time) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.RabbitMq;

    public int MaxBatch => 1;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        var target = AmqpAddress.TryParse(address.Name) ?? throw new PermanentDeliveryException($"{address.Shown} is not an AMQP destination.");
        foreach (var message in messages)
        {
            await PublishAsync(target, message, cancellationToken);
        }

        return [];
    }

    private async Task PublishAsync(AmqpAddress target, DestinationMessage message, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = message.RequestId,
            Timestamp = new AmqpTimestamp(time.GetUtcNow().ToUnixTimeSeconds()),
            Headers = Headers(message),
        };
        var body = Encoding.UTF8.GetBytes(message.Body);
        try
        {
            await brokers.For(target).PublishAsync(
                (channel, ct) => channel.BasicPublishAsync(target.Exchange, target.RoutingKey, mandatory: true, properties, body, ct).AsTask(),
                cancellationToken);
        }
        catch (Exception ex) when (RabbitMqFailures.Classify(target, ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>What a consumer needs without parsing the body: which invocation, which outcome, which delivery.</summary>
    private static Dictionary<string, object?> Headers(DestinationMessage message)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["x-request-id"] = message.RequestId,
            ["x-invocation-condition"] = message.Condition,
            ["x-delivery-id"] = message.Id,
        };
        if (message.TraceParent is { } traceParent)
        {
            headers["traceparent"] = traceParent;
        }

        foreach (var (name, value) in message.Attributes)
        {
            headers.TryAdd(name, value);
        }

        return headers;
    }
}
