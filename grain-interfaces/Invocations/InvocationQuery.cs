namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Which invocations of one function to list, newest first.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.InvocationQuery")]
public sealed record InvocationQuery
{
    /// <summary>The function whose invocations are listed.</summary>
    /// <summary>The function name.</summary>
    [Id(0)] public required string FunctionName { get; init; }

    /// <summary>Only invocations in this phase; <c>null</c> for all.</summary>
    /// <summary>Where the invocation is.</summary>
    [Id(1)] public InvocationPhase? Phase { get; init; }

    /// <summary>Only invocations received at or after this moment.</summary>
    [Id(2)] public DateTimeOffset? Since { get; init; }

    /// <summary>At most this many a page (1 to 1000, default 100).</summary>
    [Id(3)] public int Limit { get; init; } = 100;

    /// <summary>The <see cref="InvocationPage.Next"/> of the previous page, to go on from it.</summary>
    [Id(4)] public string? Next { get; init; }
}

/// <summary>One page of a listing.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.InvocationPage")]
public sealed record InvocationPage
{
    /// <summary>The invocations, newest first.</summary>
    [Id(0)] public IReadOnlyList<InvocationSummary> Items { get; init; } = [];

    /// <summary>An opaque token for the next page, or <c>null</c> when the listing is complete.</summary>
    [Id(1)] public string? Next { get; init; }
}

/// <summary>An invocation as a listing shows it (its full status is one <c>GET /invocations/{id}</c> away).</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.InvocationSummary")]
public sealed record InvocationSummary
{
    /// <summary>The request id.</summary>
    [Id(0)] public required string RequestId { get; init; }
    /// <summary>The function name.</summary>
    [Id(1)] public required string FunctionName { get; init; }
    /// <summary>The qualifier the event was sent to.</summary>
    [Id(2)] public required string Qualifier { get; init; }
    /// <summary>Where the invocation is.</summary>
    [Id(3)] public required InvocationPhase Phase { get; init; }
    /// <summary>Attempts made so far.</summary>
    [Id(4)] public int AttemptCount { get; init; }
    /// <summary>When the event was accepted.</summary>
    [Id(5)] public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>When the next attempt (or re-check, while held) is due.</summary>
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>When it became final.</summary>
    [Id(7)] public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>The record condition once final.</summary>
    [Id(8)] public string? Condition { get; init; }
}
