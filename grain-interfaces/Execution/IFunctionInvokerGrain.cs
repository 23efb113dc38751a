using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Runs synchronous invocations on whichever silo takes the call (stateless, one per core).</summary>
[Alias("AsyncInvoke.IFunctionInvokerGrain")]
public interface IFunctionInvokerGrain : IGrainWithIntegerKey
{
    /// <summary>Runs one attempt and returns the function's response or error.</summary>
    /// <exception cref="AsyncInvokeException">Unknown function, payload too large, or reserved concurrency in use.</exception>
    [Alias("Invoke"), ResponseTimeout("00:15:30")]
    Task<SyncInvocationResult> InvokeAsync(string functionName, string? qualifier, byte[] payload, string? requestId);

    /// <summary>Runs one attempt with Lambda's per-call options (client context, log tail).</summary>
    /// <exception cref="AsyncInvokeException">Unknown function, payload too large, or reserved concurrency in use.</exception>
    [Alias("InvokeWithOptions"), ResponseTimeout("00:15:30")]
    Task<SyncInvocationResult> InvokeAsync(string functionName, string? qualifier, byte[] payload, SyncInvocationOptions options);
}
