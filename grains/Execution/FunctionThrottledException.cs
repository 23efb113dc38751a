namespace Orleans.AsyncInvoke.Execution;

/// <summary>Thrown by a runtime when the function asks to be tried later (HTTP 429/503); no retry is consumed.</summary>
public sealed class FunctionThrottledException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    /// <summary>The wait the function asked for, if it named one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
