namespace Orleans.AsyncInvoke.Invocations;

/// <summary>What happened to an invocation.</summary>
public enum InvocationEventKind
{
    /// <summary>The event was stored and acknowledged.</summary>
    Accepted,

    /// <summary>An attempt began.</summary>
    AttemptStarted,

    /// <summary>An attempt returned (or was abandoned with an error); what follows is its own event.</summary>
    AttemptEnded,

    /// <summary>A retry after a function error was scheduled.</summary>
    RetryScheduled,

    /// <summary>The attempt was held back (throttle or system error) and rescheduled.</summary>
    Throttled,

    /// <summary>The invocation became final.</summary>
    Completed,

    /// <summary>An attempt lost with its silo was found on reactivation and will run again.</summary>
    Interrupted,

    /// <summary>The retention period ended and the invocation was cleared.</summary>
    Cleared,

    /// <summary>A due attempt was held because the function's asynchronous processing is paused.</summary>
    Held,

    /// <summary>A cancel was asked for while an attempt ran; the invocation ends Cancelled when it returns.</summary>
    CancelRequested,

    /// <summary>A failed or cancelled invocation was sent round again (retry).</summary>
    Redriven,
}

/// <summary>One lifecycle event of an invocation.</summary>
public sealed record InvocationEvent(
    InvocationEventKind Kind,
    string RequestId,
    string FunctionName,
    int Attempt,
    DateTimeOffset At,
    DateTimeOffset? DueAt = null,
    string? Condition = null);

/// <summary>
/// Sees every lifecycle event of every invocation on this silo (metrics, tracing, tests). Called on the grain's
/// scheduler: implementations must be quick and must not block.
/// </summary>
public interface IInvocationObserver
{
    /// <summary>Called once per event.</summary>
    void OnEvent(InvocationEvent invocationEvent);
}
