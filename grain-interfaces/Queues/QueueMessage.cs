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
    [property: Id(2)] string? DeduplicationId = null);
