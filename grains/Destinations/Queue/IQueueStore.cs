using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// The messages of one queue, as its grain keeps them: Redis in the Redis profile (<see cref="RedisStreamQueueStore"/>),
/// the grain's own state in the embedded one (<see cref="StateQueueStore"/>). Only the queue's grain calls it, so its
/// read-then-write steps never race.
/// </summary>
internal interface IQueueStore
{
    /// <summary>Appends messages; a repeated deduplication id appends nothing and answers the first message's id.</summary>
    Task<IReadOnlyList<SentMessage>> SendAsync(IReadOnlyList<QueueSend> messages, TimeSpan defaultDelay);

    /// <summary>Takes up to <paramref name="max"/> visible messages, dropping those sent before <paramref name="retainedSince"/>.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout, DateTimeOffset retainedSince);

    /// <summary>Deletes the message of the receipt; <c>false</c> when the receipt is not its latest.</summary>
    Task<bool> DeleteAsync(string receiptHandle);

    /// <summary>Hides the message of the receipt for <paramref name="timeout"/> from now.</summary>
    Task<VisibilityChange> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout);

    /// <summary>Deletes every message and forgets every deduplication id.</summary>
    Task PurgeAsync();

    /// <summary>Every message, visible or not.</summary>
    Task<int> DepthAsync();

    /// <summary>Up to <paramref name="max"/> messages, oldest first, visible or not, without receiving them (no receipt handle).</summary>
    Task<IReadOnlyList<QueueMessage>> PeekAsync(int max);

    /// <summary>Messages by state.</summary>
    Task<QueueCounts> CountAsync();

    /// <summary>When the next message becomes visible (in the past when one is), or <c>null</c> for an empty queue.</summary>
    Task<DateTimeOffset?> NextVisibleAtAsync();
}

/// <summary>A send's outcome: the message id, and whether it was a repeat of a deduplication id already taken.</summary>
internal readonly record struct SentMessage(string Id, bool Repeat);
