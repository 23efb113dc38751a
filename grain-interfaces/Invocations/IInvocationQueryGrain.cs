namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Lists a function's invocations from the store's per-function index, page by page; any silo answers.</summary>
[Alias("AsyncInvoke.IInvocationQueryGrain")]
public interface IInvocationQueryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// One page of <see cref="InvocationQuery.FunctionName"/>'s invocations, newest first. A page with a phase filter
    /// may come back short (even empty) with a <see cref="InvocationPage.Next"/> token: each page examines a bounded
    /// part of the index, so no call scans it all.
    /// </summary>
    /// <exception cref="AsyncInvokeException"><c>ValidationException</c> for a limit out of range or a token that is not one.</exception>
    [Alias("List")]
    Task<InvocationPage> ListAsync(InvocationQuery query);
}
