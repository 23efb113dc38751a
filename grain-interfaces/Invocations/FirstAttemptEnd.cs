using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>How a first attempt that ran from memory ended: what its invocation grain needs to carry on from it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FirstAttemptEnd")]
public sealed class FirstAttemptEnd
{
    /// <summary>The function as the attempt ran it (with the event's own settings applied).</summary>
    [Id(0)] public required ResolvedFunction Function { get; init; }

    /// <summary>The attempt's outcome.</summary>
    [Id(1)] public AttemptOutcome Outcome { get; init; }

    /// <summary>The response, or the error payload.</summary>
    [Id(2)] public byte[] Payload { get; init; } = [];

    /// <summary>The function's error or throttle, if any.</summary>
    [Id(3)] public ErrorInfo? Error { get; init; }

    /// <summary>The wait a throttle asked for, if any.</summary>
    [Id(4)] public TimeSpan? RetryAfter { get; init; }

    /// <summary>When the attempt started.</summary>
    [Id(5)] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [Id(6)] public required DateTimeOffset FinishedAt { get; init; }
}
