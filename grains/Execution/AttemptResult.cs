using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>How one attempt ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The function returned a response.</summary>
    Success,

    /// <summary>The function failed (exception, error response, timeout): consumes a retry.</summary>
    FunctionError,

    /// <summary>The function or the platform asked for a later attempt: does not consume a retry.</summary>
    Throttled,
}

/// <summary>The result of one attempt.</summary>
public sealed record AttemptResult(AttemptOutcome Outcome, byte[] Payload, ErrorInfo? Error, TimeSpan? RetryAfter = null)
{
    /// <summary>A successful attempt with its response.</summary>
    public static AttemptResult Succeeded(byte[] response) => new(AttemptOutcome.Success, response, null);

    /// <summary>A function error.</summary>
    public static AttemptResult Failed(string errorType, string errorMessage) =>
        new(AttemptOutcome.FunctionError, ErrorPayloads.Serialize(errorType, errorMessage), new ErrorInfo(errorType, errorMessage));

    /// <summary>A throttle, optionally with the wait the function asked for.</summary>
    public static AttemptResult Throttle(string errorType, string errorMessage, TimeSpan? retryAfter) =>
        new(AttemptOutcome.Throttled, ErrorPayloads.Serialize(errorType, errorMessage), new ErrorInfo(errorType, errorMessage), retryAfter);
}
