namespace Orleans.AsyncInvoke.Destinations.RabbitMq;

/// <summary>
/// A delivery to RabbitMQ that may succeed later (the broker is down or unreachable, the message was not routed or
/// was refused for now): the delivery pump retries it with backoff, then parks it. Its message never holds credentials.
/// </summary>
internal sealed class RabbitMqUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
