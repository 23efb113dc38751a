using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>The stored state of a <see cref="QueueGrain"/>.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.QueueState")]
public sealed class QueueState
{
    [Id(0)] public List<StoredMessage> Messages { get; set; } = [];
    [Id(1)] public long Sequence { get; set; }

    /// <summary>Recent deduplication ids with their message ids, oldest first (bounded).</summary>
    [Id(2)] public List<KeyValuePair<string, string>> RecentDeduplicationIds { get; set; } = [];

    /// <summary>The queue's settings; <c>null</c> until it is created or sent to (in every profile).</summary>
    [Id(3)] public QueueSettings? Settings { get; set; }

    /// <summary>When each of <see cref="RecentDeduplicationIds"/> was taken, in the same order.</summary>
    [Id(4)] public List<DateTimeOffset> DeduplicationTimes { get; set; } = [];
}

/// <summary>A message as stored.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.StoredMessage")]
public sealed class StoredMessage
{
    [Id(0)] public string MessageId { get; set; } = "";
    [Id(1)] public string Body { get; set; } = "";
    [Id(2)] public Dictionary<string, string> Attributes { get; set; } = [];
    [Id(3)] public DateTimeOffset VisibleAt { get; set; }
    [Id(4)] public int ReceiveCount { get; set; }
    [Id(5)] public string? Receipt { get; set; }
    [Id(6)] public Dictionary<string, string> AttributeTypes { get; set; } = [];
    [Id(7)] public DateTimeOffset SentAt { get; set; }
    [Id(8)] public DateTimeOffset FirstReceivedAt { get; set; }
    [Id(9)] public string? SenderId { get; set; }
}
