using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Delivers one invocation's result to its callback URL (key: request id): stored first, then POSTed, retried with
/// backoff while the endpoint fails, and parked (never silently dropped) when the retry window closes.
/// </summary>
[Alias("AsyncInvoke.ICallbackGrain")]
public interface ICallbackGrain : IGrainWithStringKey
{
    /// <summary>Stores the callback and starts delivering it. Scheduling the same request id again changes nothing.</summary>
    [Alias("Schedule")]
    Task ScheduleAsync(CallbackRequest request);

    /// <summary>Where the delivery stands, or <c>null</c> when nothing was scheduled.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<CallbackStatus?> GetStatusAsync();
}

/// <summary>The state of a callback delivery.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.CallbackStatus")]
public sealed record CallbackStatus
{
    /// <summary><c>Pending</c>, <c>Delivered</c> or <c>Parked</c> (retry window closed).</summary>
    [Id(0)] public required string State { get; init; }

    /// <summary>POSTs tried so far.</summary>
    [Id(1)] public int Attempts { get; init; }

    /// <summary>The last failure, if any.</summary>
    [Id(2)] public string? LastError { get; init; }

    /// <summary>When the next POST is due, while the delivery is pending.</summary>
    [Id(3)] public DateTimeOffset? NextAttemptAt { get; init; }
}
