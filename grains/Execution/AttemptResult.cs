using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Execution;

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
