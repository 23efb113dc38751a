namespace Orleans.AsyncInvoke.Execution;

/// <summary>What a function sees of one attempt.</summary>
public sealed class FunctionContext
{
    /// <summary>The request id, the same on every attempt.</summary>
    public required string RequestId { get; init; }

    /// <summary>The function name.</summary>
    public required string FunctionName { get; init; }

    /// <summary>The version that runs.</summary>
    public required string ExecutedVersion { get; init; }

    /// <summary>The attempt number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>The event.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When the attempt times out.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>The function's environment variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The W3C trace context of the invocation, if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The clock to use for waits, so that tests can drive it.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The client context JSON a synchronous caller passed (<c>X-Amz-Client-Context</c>), if any.</summary>
    public string? ClientContext { get; init; }

    /// <summary>Where the invocation's log is kept for <c>LogType: Tail</c>, when the caller asked for it.</summary>
    public FunctionLog? Log { get; init; }

    /// <summary>Set by the runner when the runtime has an init phase: arms the function's timeout from now.</summary>
    internal Func<DateTimeOffset>? InvokePhase { get; set; }

    /// <summary>
    /// Called by a runtime with an init phase (a cold start) once init is over: the function's timeout counts from here,
    /// as on Lambda, where init has its own limit. Returns the deadline of the invoke phase.
    /// </summary>
    public DateTimeOffset StartInvokePhase() => InvokePhase?.Invoke() ?? Deadline;
}
