namespace Orleans.AsyncInvoke.Client;

/// <summary>How an invocation runs, as Lambda's <c>X-Amz-Invocation-Type</c>.</summary>
public enum InvocationType
{
    /// <summary>Asynchronous: the runtime stores the event and answers with a request id at once.</summary>
    Event,

    /// <summary>Synchronous: one attempt, the response (or function error) comes back.</summary>
    RequestResponse,

    /// <summary>Checks that the function exists and could be invoked; runs nothing.</summary>
    DryRun,
}
