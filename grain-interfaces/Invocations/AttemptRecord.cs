namespace Orleans.AsyncInvoke.Invocations;

/// <summary>One entry of an invocation's history: an attempt, a throttle, or an interrupted attempt.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.AttemptRecord")]
public sealed record AttemptRecord
{
    /// <summary>The attempt number (1-based); throttles carry the number of the attempt they held back.</summary>
    [Id(0)] public required int Attempt { get; init; }

    /// <summary>When it started.</summary>
    [Id(1)] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [Id(2)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary><c>Success</c>, <c>FunctionError</c>, <c>Throttled</c>, <c>SystemError</c> or <c>Interrupted</c>.</summary>
    [Id(3)] public required string Outcome { get; init; }

    /// <summary>The error, when there was one.</summary>
    [Id(4)] public ErrorInfo? Error { get; init; }

    /// <summary>When the attempt was due (the accept, or the end of the retry or throttle wait); its lateness is <see cref="StartedAt"/> minus this.</summary>
    [Id(5)] public DateTimeOffset? DueAt { get; init; }
}
