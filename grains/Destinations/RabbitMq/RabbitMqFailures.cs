using System.Net.Sockets;
using RabbitMQ.Client.Exceptions;

namespace Orleans.AsyncInvoke.Destinations.RabbitMq;

/// <summary>
/// Sorts what the client throws into a retry (<see cref="RabbitMqUnavailableException"/>) or a refusal no retry can change
/// (<see cref="PermanentDeliveryException"/>), with messages that name the broker by host and port only.
/// </summary>
internal static class RabbitMqFailures
{
    // AMQP reply codes: 403 access-refused, 404 not-found (exchange), 406 precondition-failed, 530 not-allowed (virtual host).
    private static readonly int[] Refusals = [403, 404, 406, 530];

    /// <summary>The exception to fail the delivery with; <c>null</c> to let <paramref name="error"/> through (cancellation).</summary>
    public static Exception? Classify(AmqpAddress target, Exception error)
    {
        var where = $"{target.Endpoint} (virtual host '{target.VirtualHost}', exchange '{target.Exchange}')";
        return error switch
        {
            OperationCanceledException => null,
            PublishReturnException returned => new RabbitMqUnavailableException(
                $"RabbitMQ {where} routed the message to no queue (routing key '{target.RoutingKey}': {returned.ReplyCode} {returned.ReplyText}); it is sent again until a queue takes it."),
            PublishException => new RabbitMqUnavailableException($"RabbitMQ {where} did not confirm the message (nack)."),
            _ when Refusal(error) is { } refusal => new PermanentDeliveryException($"RabbitMQ {where} refused the message: {refusal}"),
            _ when error is BrokerUnreachableException or ConnectFailureException or AlreadyClosedException or OperationInterruptedException
                or IOException or SocketException or TimeoutException or RabbitMqUnavailableException => new RabbitMqUnavailableException(
                    $"RabbitMQ {where} is unavailable: {Innermost(error)}"),
            _ => new RabbitMqUnavailableException($"Publishing to RabbitMQ {where} failed: {Innermost(error)}"),
        };
    }

    /// <summary>A login refused, or a channel or connection closed with a code meaning "never as configured".</summary>
    private static string? Refusal(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationFailureException:
                    return "the user and password in the destination were refused (ACCESS_REFUSED).";
                case OperationInterruptedException { ShutdownReason: { } reason } when Refusals.Contains(reason.ReplyCode):
                    return $"{reason.ReplyCode} {reason.ReplyText}";
                case AlreadyClosedException { ShutdownReason: { } reason } when Refusals.Contains(reason.ReplyCode):
                    return $"{reason.ReplyCode} {reason.ReplyText}";
            }
        }

        return null;
    }

    private static string Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
