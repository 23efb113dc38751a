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

    /// <summary>
    /// Creates the queue with the attributes given (<see cref="QueueAttributes"/>). A queue that exists already is
    /// left as it is; when a given attribute differs from its value the result names it.
    /// </summary>
    [Alias("Create")]
    Task<QueueCreation> CreateAsync(IReadOnlyDictionary<string, string> attributes);

    /// <summary>The settings, or <c>null</c> when the queue does not exist (never created, never sent to, or deleted).</summary>
    [Alias("GetSettings")]
    Task<QueueSettings?> GetSettingsAsync();

    /// <summary>Sets attributes (an empty policy value removes it); <c>false</c> when the queue does not exist.</summary>
    [Alias("SetAttributes")]
    Task<bool> SetAttributesAsync(IReadOnlyDictionary<string, string> attributes);

    /// <summary>Deletes the queue with its messages and settings; <c>false</c> when it did not exist.</summary>
    [Alias("DeleteQueue")]
    Task<bool> DeleteQueueAsync();

    /// <summary>Up to <paramref name="max"/> messages, oldest first, visible or not, read without receiving them (no receipt handle, no receive counted).</summary>
    [Alias("Peek"), ReadOnly]
    Task<IReadOnlyList<QueueMessage>> PeekAsync(int max);

    /// <summary>How many messages are visible, in flight and delayed.</summary>
    [Alias("Counts"), ReadOnly]
    Task<QueueCounts> CountAsync();

    /// <summary>
    /// Takes up to <paramref name="max"/> visible messages and hides them for <paramref name="visibilityTimeout"/>
    /// (<c>null</c>: the queue's); with a redrive policy, a message received more than its <c>maxReceiveCount</c>
    /// times moves to the dead-letter queue instead.
    /// </summary>
    [Alias("ReceiveMessages")]
    Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int max, TimeSpan? visibilityTimeout);

    /// <summary>
    /// Completes when a message may be visible: at once when one is, on the next send, when a hidden or delayed
    /// message becomes visible, or after <paramref name="timeout"/>. Interleaves, so a long poll holds up nothing.
    /// </summary>
    [Alias("WaitForMessage"), AlwaysInterleave]
    Task WaitForMessageAsync(TimeSpan timeout);

    /// <summary>Hides the message of the receipt for <paramref name="timeout"/> from now.</summary>
    [Alias("ChangeVisibility")]
    Task<VisibilityChange> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout);

    /// <summary>Adds or replaces the tags in <paramref name="set"/>, then removes <paramref name="remove"/>; <c>false</c> when the queue does not exist.</summary>
    [Alias("Tag")]
    Task<bool> TagAsync(IReadOnlyDictionary<string, string> set, IReadOnlyList<string> remove);
}
