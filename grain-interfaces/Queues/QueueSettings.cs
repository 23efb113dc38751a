namespace Orleans.AsyncInvoke.Queues;

/// <summary>
/// A queue's settings: the attributes set on it by name (<see cref="QueueAttributes"/>; an attribute not set has its
/// default) and when it was created and last changed.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueSettings")]
public sealed record QueueSettings
{
    /// <summary>The attributes set, by their SQS names, as their string values.</summary>
    [Id(0)] public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>When the queue was created (by a create, or by its first message).</summary>
    [Id(1)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its attributes last changed.</summary>
    [Id(2)] public DateTimeOffset LastModifiedAt { get; init; }

    /// <summary>The value of an attribute, or its default.</summary>
    public string Get(string name) => Attributes.TryGetValue(name, out var value) ? value : QueueAttributes.Default(name) ?? "";

    /// <summary>How long a received message stays hidden unless the receive says otherwise.</summary>
    public TimeSpan VisibilityTimeout => Seconds(QueueAttributes.VisibilityTimeout);

    /// <summary>How long a message is kept.</summary>
    public TimeSpan RetentionPeriod => Seconds(QueueAttributes.MessageRetentionPeriod);

    /// <summary>How long a sent message stays hidden unless the send says otherwise.</summary>
    public TimeSpan Delay => Seconds(QueueAttributes.DelaySeconds);

    /// <summary>How long a receive waits for a message unless it says otherwise.</summary>
    public TimeSpan ReceiveWaitTime => Seconds(QueueAttributes.ReceiveMessageWaitTimeSeconds);

    /// <summary>The largest message body plus attributes, in bytes.</summary>
    public int MaximumMessageSize => int.Parse(Get(QueueAttributes.MaximumMessageSize), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The dead-letter queue's name and the receives after which a message moves there, or <c>null</c>.</summary>
    public (string Queue, int MaxReceiveCount)? Redrive =>
        Attributes.TryGetValue(QueueAttributes.RedrivePolicy, out var policy) ? QueueAttributes.ParseRedrivePolicy(policy, out _) : null;

    private TimeSpan Seconds(string name) => TimeSpan.FromSeconds(int.Parse(Get(name), System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>What a create found.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.QueueCreation")]
public sealed record QueueCreation(
    [property: Id(0)] bool Created,
    [property: Id(1)] string? ConflictingAttribute);
