namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Where an invocation is in its life.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.InvocationPhase")]
public enum InvocationPhase
{
    /// <summary>Accepted, first attempt not started.</summary>
    Pending = 0,

    /// <summary>An attempt is running.</summary>
    Running = 1,

    /// <summary>Waiting to retry after a function error.</summary>
    WaitingForRetry = 2,

    /// <summary>Waiting after a throttle or system error (does not consume retries).</summary>
    Throttled = 3,

    /// <summary>Final: the function succeeded.</summary>
    Succeeded = 4,

    /// <summary>Final: the event failed (retries exhausted, too old, or zero concurrency).</summary>
    Failed = 5,

    /// <summary>Final: cancelled by an operator before it could end otherwise (condition <c>Cancelled</c>).</summary>
    Cancelled = 6,

    /// <summary>Due, but held because the function's asynchronous processing is paused; it runs once resumed.</summary>
    Paused = 7,
}
