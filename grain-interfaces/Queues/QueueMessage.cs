namespace Orleans.AsyncInvoke.Queues;

/// <summary>A message handed out by a receive: its body, attributes and the receipt that deletes it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueMessage")]
public sealed record QueueMessage
{
    /// <summary>The message id.</summary>
    [Id(0)] public required string MessageId { get; init; }

    /// <summary>The receipt of this receive; only the latest receipt deletes the message.</summary>
    [Id(1)] public required string ReceiptHandle { get; init; }

    /// <summary>The body (an invocation record, or a raw event on a dead-letter queue).</summary>
    [Id(2)] public required string Body { get; init; }

    /// <summary>Message attributes (<c>RequestID</c>, <c>ErrorCode</c>, <c>ErrorMessage</c> on dead-letter messages).</summary>
    [Id(3)] public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>How many times the message has been received, this time included.</summary>
    [Id(4)] public int ReceiveCount { get; init; }

    /// <summary>The data type of each attribute that is not a plain <c>String</c> (<c>Number</c>, <c>Binary</c>, <c>String.custom</c>…).</summary>
    [Id(5)] public IReadOnlyDictionary<string, string> AttributeTypes { get; init; } = new Dictionary<string, string>();

    /// <summary>When the message was sent.</summary>
    [Id(6)] public DateTimeOffset SentAt { get; init; }

    /// <summary>When the message was first received.</summary>
    [Id(7)] public DateTimeOffset FirstReceivedAt { get; init; }

    /// <summary>Who sent it (the caller's access key id or API key name), when known.</summary>
    [Id(8)] public string? SenderId { get; init; }
}

/// <summary>A queue's name and approximate depth.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueInfo")]
public sealed record QueueInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int ApproximateDepth);

/// <summary>
/// A message to append to a queue. With a <paramref name="DeduplicationId"/> (a delivery's message id), a repeat of
/// the same id is not appended again: a record delivered again after a crash arrives once.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueSend")]
public sealed record QueueSend(
    [property: Id(0)] string Body,
    [property: Id(1)] IReadOnlyDictionary<string, string>? Attributes,
    [property: Id(2)] string? DeduplicationId = null)
{
    /// <summary>
    /// The data type of each attribute that is not a plain <c>String</c>; a <c>Binary</c> attribute's value is its
    /// bytes in base64.
    /// </summary>
    [Id(3)] public IReadOnlyDictionary<string, string>? AttributeTypes { get; init; }

    /// <summary>How long the message stays hidden after the send; <c>null</c>: the queue's <c>DelaySeconds</c>.</summary>
    [Id(4)] public TimeSpan? Delay { get; init; }

    /// <summary>Who sends it, reported to receivers as <c>SenderId</c>.</summary>
    [Id(5)] public string? SenderId { get; init; }
}

/// <summary>How many messages a queue holds, by state.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueCounts")]
public sealed record QueueCounts(
    [property: Id(0)] long Visible,
    [property: Id(1)] long InFlight,
    [property: Id(2)] long Delayed);

/// <summary>What a change of visibility found.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.VisibilityChange")]
public enum VisibilityChange
{
    /// <summary>The message is hidden for the new timeout.</summary>
    Changed = 0,

    /// <summary>The receipt is the message's latest, but the message is not in flight (its visibility ran out).</summary>
    NotInFlight = 1,

    /// <summary>The receipt is unknown, stale or its message deleted.</summary>
    InvalidReceipt = 2,
}
