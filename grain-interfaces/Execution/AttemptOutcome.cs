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
