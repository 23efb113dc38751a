namespace Orleans.AsyncInvoke.Invocations;

/// <summary>The <c>condition</c> of an invocation record: why the invocation ended.</summary>
public static class InvocationCondition
{
    /// <summary>The function returned a response.</summary>
    public const string Success = "Success";

    /// <summary>Every allowed attempt failed with a function error.</summary>
    public const string RetriesExhausted = "RetriesExhausted";

    /// <summary>The next attempt could not start before the maximum event age.</summary>
    public const string EventAgeExceeded = "EventAgeExceeded";

    /// <summary>The function's reserved concurrency is 0: no attempt was made.</summary>
    public const string ZeroReservedConcurrency = "ZeroReservedConcurrency";

    /// <summary>An operator cancelled the invocation; no further attempt started.</summary>
    public const string Cancelled = "Cancelled";
}
