namespace Orleans.AsyncInvoke.Topics;

/// <summary>
/// A subscription made through SNS's <c>Subscribe</c>: its deliveries are SNS's own envelopes (a <c>Notification</c>
/// into queues and webhooks, an <c>aws:sns</c> event for functions), unlike the plain endpoints of <c>/topics</c>.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.TopicSubscription")]
public sealed record TopicSubscription
{
    /// <summary>The id that ends the subscription ARN (<c>&lt;topic ARN&gt;:&lt;id&gt;</c>).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>SNS's protocol: <c>sqs</c>, <c>lambda</c>, <c>http</c> or <c>https</c>.</summary>
    [Id(1)] public required string Protocol { get; init; }

    /// <summary>The endpoint as given: a queue ARN, a function ARN or a URL.</summary>
    [Id(2)] public required string Endpoint { get; init; }

    /// <summary>Deliver the message itself instead of the envelope (queues and webhooks).</summary>
    [Id(3)] public bool RawMessageDelivery { get; init; }

    /// <summary>When it was made.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A topic as SNS shows it: its attributes and every subscription.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.TopicInfo")]
public sealed record TopicInfo
{
    /// <summary>Settable attributes (<c>DisplayName</c>, <c>Policy</c>, <c>DeliveryPolicy</c>, …) as set.</summary>
    [Id(0)] public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The subscriptions made through SNS.</summary>
    [Id(1)] public IReadOnlyList<TopicSubscription> Subscriptions { get; init; } = [];

    /// <summary>The plain endpoints subscribed through <c>/topics</c>.</summary>
    [Id(2)] public IReadOnlyList<string> Endpoints { get; init; } = [];
}
