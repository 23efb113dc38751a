namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// A delivery that can never succeed as it is (the payload is over the target's limit, the target refuses it as
/// invalid, the function is gone): it is parked at once with this reason instead of being retried for the whole
/// retry window. A redrive tries it again, for when the cause has been fixed.
/// </summary>
public sealed class PermanentDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
