namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// Every way an invocation's state changes, one method a transition. Each is a pure function of the state, the
/// time and the outcome it is given: no storage, no clock, no grain. The grain loads, applies one transition,
/// stores the state with its wake-up, and talks to the outside.
/// <code>
/// Pending ──BeginAttempt──► Running ──CompleteAttempt + Finish──────────────────────────► Succeeded | Failed
///    ▲                        │ ├──CompleteAttempt + ScheduleRetry──► WaitingForRetry ──BeginAttempt──► Running
///    │                        │ └──GiveBackAttempt + HoldBack───────► Throttled ──BeginAttempt──► Running
///    └──────Interrupt─────────┘ (the silo running the attempt was lost)
/// Pending | WaitingForRetry | Throttled ──HoldBack──► Throttled;  any unfinished ──Finish──► Succeeded | Failed | Cancelled
/// any waiting ──Hold──► Paused (the function is paused) ──BeginAttempt──► Running;  Failed | Cancelled ──Redrive──► Pending
/// </code>
/// </summary>
public static class InvocationTransitions
{
    /// <summary>
    /// The silo running an attempt died: the attempt did not finish, it is recorded as interrupted and runs again
    /// now with the same number, from the phase it started in.
    /// </summary>
    /// <returns>The number of the attempt that runs again.</returns>
    public static int Interrupt(InvocationState state, DateTimeOffset now)
    {
        Require(state, state.Phase == InvocationPhase.Running, nameof(Interrupt));
        state.History.Add(new AttemptRecord { Attempt = state.AttemptCount, StartedAt = state.NextAttemptAt ?? state.ReceivedAt, FinishedAt = now, Outcome = "Interrupted" });
        state.AttemptCount--;
        state.Phase = state.PhaseBeforeAttempt;
        state.NextAttemptAt = now;
        return state.AttemptCount + 1;
    }

    /// <summary>An attempt starts now.</summary>
    /// <returns>The attempt's number (1-based).</returns>
    public static int BeginAttempt(InvocationState state, DateTimeOffset now)
    {
        Require(state, !state.IsFinal && state.Phase != InvocationPhase.Running, nameof(BeginAttempt));
        state.PhaseBeforeAttempt = state.Phase;
        state.Phase = InvocationPhase.Running;
        state.FirstAttemptUntil = null;
        state.AttemptCount++;
        state.NextAttemptAt = now;
        return state.AttemptCount;
    }

    /// <summary>
    /// The running attempt ended with a success or a function error: it joins the history and the invocation is no
    /// longer running (a retry or the end follows).
    /// </summary>
    public static void CompleteAttempt(InvocationState state, AttemptRecord attempt, ErrorInfo? error)
    {
        Require(state, state.Phase == InvocationPhase.Running, nameof(CompleteAttempt));
        state.History.Add(attempt);
        state.Phase = state.PhaseBeforeAttempt;
        if (error is not null)
        {
            state.LastError = error;
        }
    }

    /// <summary>The function throttled the running attempt (429/503): the attempt is given back, it is no retry.</summary>
    public static void GiveBackAttempt(InvocationState state)
    {
        Require(state, state.Phase == InvocationPhase.Running, nameof(GiveBackAttempt));
        state.AttemptCount--;
        state.Phase = state.PhaseBeforeAttempt;
    }

    /// <summary>A function error with retries left: the next attempt is due at <paramref name="due"/>.</summary>
    public static void ScheduleRetry(InvocationState state, DateTimeOffset due) => Wait(state, InvocationPhase.WaitingForRetry, due);

    /// <summary>
    /// The next attempt is held back (reserved concurrency full, a throttle from the function, a system error): one
    /// more throttle in the count and the history.
    /// </summary>
    public static void HoldBack(InvocationState state, ErrorInfo? error, DateTimeOffset now)
    {
        Require(state, !state.IsFinal && state.Phase != InvocationPhase.Running, nameof(HoldBack));
        state.ThrottleCount++;
        state.LastError = error;
        state.History.Add(new AttemptRecord { Attempt = state.AttemptCount + 1, StartedAt = now, FinishedAt = now, Outcome = "Throttled", Error = error, DueAt = state.NextAttemptAt });
    }

    /// <summary>A held-back invocation waits until <paramref name="due"/>.</summary>
    public static void ScheduleAfterThrottle(InvocationState state, DateTimeOffset due) => Wait(state, InvocationPhase.Throttled, due);

    /// <summary>The invocation ends with <paramref name="condition"/> and its record; it stays readable until <paramref name="retainUntil"/>.</summary>
    public static void Finish(InvocationState state, string condition, DateTimeOffset now, DateTimeOffset retainUntil, string? record, byte[]? responsePayload)
    {
        Require(state, !state.IsFinal, nameof(Finish));
        state.Phase = condition switch
        {
            InvocationCondition.Success => InvocationPhase.Succeeded,
            InvocationCondition.Cancelled => InvocationPhase.Cancelled,
            _ => InvocationPhase.Failed,
        };
        state.Condition = condition;
        state.CompletedAt = now;
        state.NextAttemptAt = null;
        state.RetainUntil = retainUntil;
        state.Record = record;
        state.ResponsePayload = responsePayload;
        state.HandOffPending = false;
        state.FirstAttemptUntil = null;
    }

    /// <summary>
    /// A succeeded invocation lets go of its payloads and its record text, keeping their size and what its record is
    /// written again from (<paramref name="recordQualifier"/>, <paramref name="executedVersion"/>).
    /// </summary>
    public static void LeaveOutPayloads(InvocationState state, string recordQualifier, string executedVersion)
    {
        Require(state, state.Phase == InvocationPhase.Succeeded, nameof(LeaveOutPayloads));
        state.PayloadBytesLeftOut = state.Payload.Length;
        state.Payload = [];
        state.ResponsePayload = null;
        state.Record = null;
        state.RecordQualifier = recordQualifier;
        state.ExecutedVersion = executedVersion;
    }

    /// <summary>The attempt is due but the function is paused: the invocation waits for a resume, looking again at <paramref name="recheck"/>.</summary>
    public static void Hold(InvocationState state, DateTimeOffset recheck) => Wait(state, InvocationPhase.Paused, recheck);

    /// <summary>
    /// A failed or cancelled invocation goes round again now: the history marks it, attempts go on numbering, and the
    /// retry budget, the throttle backoff and the event age start afresh.
    /// </summary>
    public static void Redrive(InvocationState state, DateTimeOffset now)
    {
        Require(state, state.Phase is InvocationPhase.Failed or InvocationPhase.Cancelled && !state.HandOffPending, nameof(Redrive));
        state.History.Add(new AttemptRecord { Attempt = state.AttemptCount, StartedAt = now, FinishedAt = now, Outcome = "Redriven", DueAt = now });
        state.Phase = InvocationPhase.Pending;
        state.PhaseBeforeAttempt = InvocationPhase.Pending;
        state.RetryBase = state.AttemptCount;
        state.ThrottleBase = state.ThrottleCount;
        state.AgeFrom = now;
        state.RedrivenAt = now;
        state.NextAttemptAt = now;
        state.Condition = null;
        state.Record = null;
        state.ResponsePayload = null;
        state.CompletedAt = null;
        state.RetainUntil = null;
        state.CancelRequested = false;
        state.CancelNotifies = false;
    }

    private static void Wait(InvocationState state, InvocationPhase phase, DateTimeOffset due)
    {
        Require(state, !state.IsFinal && state.Phase != InvocationPhase.Running, phase.ToString());
        state.Phase = phase;
        state.NextAttemptAt = due;
    }

    private static void Require(InvocationState state, bool allowed, string transition)
    {
        if (!allowed)
        {
            throw new InvalidOperationException($"{transition} is not a transition from {state.Phase}.");
        }
    }
}
