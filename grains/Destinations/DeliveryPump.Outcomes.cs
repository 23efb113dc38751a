using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Diagnostics;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>What follows a delivery: acknowledged in batches, retried with backoff or parked, or deferred to the index.</summary>
public sealed partial class DeliveryPump
{
    private async Task FailAsync(DeliveryLane lane, Delivery delivery, Exception error)
    {
        var tag = new KeyValuePair<string, object?>("destination", lane.Shown);
        AsyncInvokeInstruments.DestinationDeliveryFailures.Add(1, tag);
        if (delivery.Message.Id.EndsWith(DestinationMessage.DeadLetterSuffix, StringComparison.Ordinal))
        {
            AsyncInvokeInstruments.DeadLetterErrors.Add(1, tag);
        }

        // HttpClient wraps the reason (a refused address, a reset connection) in a generic outer message.
        var reason = error.InnerException is { } inner && inner.Message != error.Message ? $"{error.Message} ({inner.Message})" : error.Message;
        var failed = delivery with { Attempts = delivery.Attempts + 1, LastError = reason };
        try
        {
            var verdict = _retries.AfterThrottle(failed.Attempts, null, failed.FirstAttemptAt, _options.DeliveryRetryWindow);
            if (error is not PermanentDeliveryException && verdict.DueAt is { } due)
            {
                await _store.RetryAtAsync(failed, due);
                LogRetrying(_logger, lane.Shown, delivery.Message.Id, failed.Attempts, reason, due);
            }
            else
            {
                await _store.ParkAsync(failed, _clock.UtcNow);
                LogParked(_logger, lane.Shown, delivery.Message.Id, failed.Attempts, reason);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Could not record the failure: the lease brings the delivery back as it was.
            LogPumpFailed(_logger, ex);
        }
    }

    private async Task<bool[]> AcknowledgeAsync(Delivery[] delivered)
    {
        await _store.CompleteAsync(delivered, [], _clock.UtcNow);
        return new bool[delivered.Length];
    }

    private async Task DeferAsync(DeliveryLane lane, List<Delivery> deferred)
    {
        // A lane with more waiting than it drains in a few seconds: the rest waits in the index, not in memory.
        TimeSpan wait;
        lock (lane)
        {
            wait = lane.TimeToDrain();
        }

        try
        {
            await _store.ReleaseAsync(deferred, _clock.UtcNow + wait);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPumpFailed(_logger, ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.Delivered, Level = LogLevel.Debug, Message = "[{RequestId}] {MessageId} delivered to {Destination} (attempt {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string requestId, string messageId, string destination, int attempt);

    [LoggerMessage(EventId = LogEvents.DeliveryRetrying, Level = LogLevel.Warning, Message = "Delivery of {MessageId} to {Destination} failed (attempt {Attempts}: {Error}); retry due at {DueAt:O}")]
    private static partial void LogRetrying(ILogger logger, string destination, string messageId, int attempts, string error, DateTimeOffset dueAt);

    [LoggerMessage(EventId = LogEvents.DeliveryParked, Level = LogLevel.Error, Message = "Delivery of {MessageId} to {Destination} parked after {Attempts} attempts; last error: {Error}")]
    private static partial void LogParked(ILogger logger, string destination, string messageId, int attempts, string error);

    [LoggerMessage(EventId = LogEvents.DeliveryPumpFailed, Level = LogLevel.Warning, Message = "Reaching the delivery store failed; the deliveries involved come back after their lease")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.DeliveryAcknowledgeFailed, Level = LogLevel.Warning, Message = "{Count} deliveries to {Destination} were delivered but not acknowledged; they are delivered again after their lease")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, string destination, int count);
}
