using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Queues;

/// <summary>
/// A built-in durable queue (key: queue name), at-least-once: a received message stays invisible for its
/// visibility timeout and comes back unless it is deleted with its receipt.
/// </summary>
[Alias("AsyncInvoke.IQueueGrain")]
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>Appends a message. A <paramref name="deduplicationId"/> seen before returns the first message id.</summary>
    [Alias("Send")]
    Task<string> SendAsync(string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId);

    /// <summary>Appends messages in one step (one store write for the batch); returns their message ids in order.</summary>
    [Alias("SendBatch")]
    Task<IReadOnlyList<string>> SendBatchAsync(IReadOnlyList<QueueSend> messages);

    /// <summary>Takes up to <paramref name="max"/> visible messages and hides them for <paramref name="visibilityTimeout"/>.</summary>
    [Alias("Receive")]
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout);

    /// <summary>Deletes the message the receipt was issued for; <c>false</c> when the receipt is stale or unknown.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(string receiptHandle);

    /// <summary>Deletes every message.</summary>
    [Alias("Purge")]
    Task PurgeAsync();

    /// <summary>The number of messages (visible or in flight).</summary>
    [Alias("Depth"), ReadOnly]
    Task<int> DepthAsync();
}
