namespace Orleans.AsyncInvoke.Destinations;

/// <summary>One thing to deliver to a destination: an invocation record, or a raw event for a dead-letter queue.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.DestinationMessage")]
public sealed record DestinationMessage
{
    /// <summary>The id suffix of a dead-letter message (<c>&lt;request id&gt;:dlq</c>).</summary>
    public const string DeadLetterSuffix = ":dlq";

    /// <summary>Unique per delivery (<c>&lt;request id&gt;:success</c>, <c>:failure</c>, <c>:dlq</c>); repeats are ignored.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The body: record JSON, or the raw event.</summary>
    [Id(1)] public required string Body { get; init; }

    /// <summary>Attributes (dead-letter messages carry <c>RequestID</c>, <c>ErrorCode</c>, <c>ErrorMessage</c>).</summary>
    [Id(2)] public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The invocation's request id.</summary>
    [Id(3)] public required string RequestId { get; init; }

    /// <summary>The record condition.</summary>
    [Id(4)] public required string Condition { get; init; }

    /// <summary>How many invocations the event has gone through in a chain of function destinations.</summary>
    [Id(5)] public int ChainDepth { get; init; }

    /// <summary>The invocation's W3C trace context, so the delivery joins its trace.</summary>
    [Id(6)] public string? TraceParent { get; init; }

    /// <summary>
    /// The event was stopped by the recursive-loop guard: its record still reaches queues, topics, buses and webhooks,
    /// but it starts no further invocation on any path (function destinations, subscriptions, rule targets).
    /// </summary>
    [Id(7)] public bool EndsChain { get; init; }

    /// <summary>HTTP headers a webhook delivery sends besides its own (an SNS notification's <c>x-amz-sns-*</c>).</summary>
    [Id(8)] public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>What an SNS <c>Publish</c> gave besides the body: subject and typed attributes; <c>null</c> for records.</summary>
    [Id(9)] public TopicPublication? Publication { get; init; }

    /// <summary>The body is already an EventBridge event (from <c>PutEvents</c>): a bus routes it as it is, without wrapping it.</summary>
    [Id(10)] public bool IsEvent { get; init; }
}

/// <summary>A message published to a topic through SNS's <c>Publish</c>.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.TopicPublication")]
public sealed record TopicPublication
{
    /// <summary>The SNS message id answered to the publisher.</summary>
    [Id(0)] public required string MessageId { get; init; }

    /// <summary>The subject, when one was given.</summary>
    [Id(1)] public string? Subject { get; init; }

    /// <summary>Message attributes by name: their data type (<c>String</c>, <c>Number</c>, <c>Binary</c>, …) and value (base64 for binary).</summary>
    [Id(2)] public IReadOnlyDictionary<string, TypedAttribute> Attributes { get; init; } = new Dictionary<string, TypedAttribute>();

    /// <summary>When it was published.</summary>
    [Id(3)] public DateTimeOffset PublishedAt { get; init; }
}

/// <summary>A message attribute's data type and value.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.TypedAttribute")]
public sealed record TypedAttribute(
    [property: Id(0)] string DataType,
    [property: Id(1)] string Value);

/// <summary>The state of one destination's deliveries.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.DestinationStatus")]
public sealed record DestinationStatus
{
    /// <summary>Messages waiting for delivery (including ones backing off).</summary>
    [Id(0)] public int Pending { get; init; }

    /// <summary>Parked messages (whose retry window closed, kept for redrive): one page, oldest first.</summary>
    [Id(1)] public IReadOnlyList<ParkedDelivery> Parked { get; init; } = [];

    /// <summary>Failed delivery attempts so far.</summary>
    [Id(2)] public long DeliveryFailures { get; init; }

    /// <summary>How many messages are parked in all (<see cref="Parked"/> holds one page of them).</summary>
    [Id(3)] public long ParkedCount { get; init; }

    /// <summary>The destination's canonical key: every spelling of one target shares it.</summary>
    [Id(4)] public string? Destination { get; init; }
}

/// <summary>A delivery that gave up, with why.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.ParkedDelivery")]
public sealed record ParkedDelivery(
    [property: Id(0)] DestinationMessage Message,
    [property: Id(1)] int Attempts,
    [property: Id(2)] string? LastError);
