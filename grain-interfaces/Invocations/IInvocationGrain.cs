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

    /// <summary>
    /// Tells a freshly stored invocation to begin: the accept path has already stored exactly
    /// <paramref name="accepted"/> (function and qualifier resolved) as received at <paramref name="receivedAt"/>, so
    /// the grain starts from it without reading the store. <paramref name="function"/> is the function as the accept
    /// resolved it, which the first attempt uses instead of asking again. Ignored when the grain already holds its state.
    /// Completes when the first attempt has ended (the accept path counts attempts in flight with it; it never waits
    /// for it to acknowledge an event).
    /// </summary>
    [Alias("Start")]
    Task StartAsync(InvocationRequest accepted, DateTimeOffset receivedAt, Functions.ResolvedFunction function);

    /// <summary>
    /// Carries on from a first attempt that the accepting silo ran from memory (see
    /// <see cref="Functions.ResolvedFunction"/> and <c>FirstAttempts</c>): its result is applied to the stored state as
    /// if this grain had run it (a retry, a throttle, a hand-off to destinations, a pending cancel). Ignored when the
    /// invocation has moved on without it.
    /// </summary>
    [Alias("EndFirstAttempt")]
    Task EndFirstAttemptAsync(FirstAttemptEnd end);

    /// <summary>
    /// Does whatever is due now (an attempt, a hand-off retry, the clean-up after retention) and nothing else, so a
    /// repeated, late or spurious wake-up is harmless. Called by the wake-up index.
    /// </summary>
    [Alias("Wake")]
    Task WakeAsync();

    /// <summary>
    /// Cancels the invocation: one waiting for its first attempt, a retry, a throttle or a resume ends at once with
    /// condition <c>Cancelled</c>; one whose attempt is running ends <c>Cancelled</c> when that attempt returns (its
    /// result is kept in the history, not acted on, and no retry follows). With <paramref name="notify"/> the failure
    /// record goes to <c>OnFailure</c> and the event to the dead-letter queue, as for any failure.
    /// </summary>
    /// <exception cref="AsyncInvokeException"><c>ResourceNotFoundException</c> for an unknown id; <c>InvalidStateException</c> when it is final.</exception>
    [Alias("Cancel"), AlwaysInterleave]
    Task<InvocationStatus> CancelAsync(bool notify);

    /// <summary>
    /// Sends a failed or cancelled invocation round again under the same request id: attempts go on numbering, the
    /// history marks the redrive, and the retry budget and event age start afresh.
    /// </summary>
    /// <exception cref="AsyncInvokeException"><c>ResourceNotFoundException</c> for an unknown id; <c>InvalidStateException</c> unless it failed or was cancelled.</exception>
    [Alias("Retry")]
    Task<InvocationStatus> RetryAsync();

    /// <summary>The current status, or <c>null</c> when no invocation has this id (or it was cleared).</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<InvocationStatus?> GetStatusAsync();
}
