using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// One asynchronous invocation, keyed by its request id. It persists the event before acknowledging it, runs its
/// attempts, retries and expires it, and keeps the final record for the retention period.
/// </summary>
[Alias("AsyncInvoke.IInvocationGrain")]
public interface IInvocationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the event and its durable wake-up, then starts the first attempt. Accepting the same request id again
    /// returns the stored status and runs nothing twice.
    /// </summary>
    /// <exception cref="AsyncInvokeException">The function or qualifier does not exist, or the payload is too large.</exception>
    [Alias("Accept")]
    Task<InvocationStatus> AcceptAsync(InvocationRequest request);

    /// <summary>The current status, or <c>null</c> when no invocation has this id (or it was cleared).</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<InvocationStatus?> GetStatusAsync();
}
