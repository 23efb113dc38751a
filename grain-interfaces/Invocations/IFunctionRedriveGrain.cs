using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// Moves a function's dead letters back into it, in bulk: every message of its dead-letter queue or of its
/// <c>OnFailure</c> queue (or a queue named outright). A message naming an invocation that failed or was cancelled
/// retries that invocation under its request id (its history shows the redrive); one whose invocation is gone from
/// the store is invoked afresh under the same id; one whose invocation is already pending, running or succeeded is
/// dropped as a repeat. A message is deleted only once its event is accepted again, so a redrive stopped anywhere
/// (even by a lost silo, after which it resumes by itself) moves nothing twice and loses nothing. One per function.
/// </summary>
[Alias("AsyncInvoke.IFunctionRedriveGrain")]
public interface IFunctionRedriveGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts a redrive from <paramref name="source"/> (<c>dlq</c>, <c>failure</c>, or a queue's name, URI or ARN).
    /// <c>InvalidStateException</c> while one runs; <c>InvalidParameterValueException</c> when the function has no such queue.
    /// </summary>
    [Alias("Start")]
    Task<RedriveProgress> StartAsync(string source);

    /// <summary>The latest redrive's progress, or <c>null</c> when there has been none.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<RedriveProgress?> GetAsync();
}

/// <summary>Where a bulk redrive is.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.RedriveProgress")]
public sealed record RedriveProgress
{
    /// <summary>A running redrive.</summary>
    public const string Running = "running";

    /// <summary>The queue had nothing more that could be moved.</summary>
    public const string Completed = "completed";

    /// <summary>It stopped on an error (see <see cref="Error"/>); starting it again goes on from where it stopped.</summary>
    public const string Stopped = "stopped";

    /// <summary>The function.</summary>
    [Id(0)] public required string FunctionName { get; init; }

    /// <summary>What was asked for: <c>dlq</c>, <c>failure</c> or a queue.</summary>
    [Id(1)] public required string Source { get; init; }

    /// <summary>The queue it reads.</summary>
    [Id(2)] public required string Queue { get; init; }

    /// <summary><see cref="Running"/>, <see cref="Completed"/> or <see cref="Stopped"/>.</summary>
    [Id(3)] public required string State { get; init; }

    /// <summary>Messages in the queue when it started.</summary>
    [Id(4)] public int Total { get; init; }

    /// <summary>Events sent back into the function (retried or invoked afresh).</summary>
    [Id(5)] public int Moved { get; init; }

    /// <summary>Repeats dropped: their invocation was already pending, running or done.</summary>
    [Id(6)] public int Skipped { get; init; }

    /// <summary>Messages left in the queue: another function's, unreadable, or refused by the function (see <see cref="Error"/>).</summary>
    [Id(7)] public int Failed { get; init; }

    /// <summary>When it started.</summary>
    [Id(8)] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [Id(9)] public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The last problem met, if any.</summary>
    [Id(10)] public string? Error { get; init; }

    /// <summary>The request ids moved, the first 100.</summary>
    [Id(11)] public IReadOnlyList<string> MovedRequestIds { get; init; } = [];
}
