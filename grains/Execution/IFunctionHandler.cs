namespace Orleans.AsyncInvoke.Execution;

/// <summary>
/// An in-process .NET function (<c>dotnet:&lt;handler&gt;</c> targets). Return the response payload; throw to report
/// a function error (the exception's type and message become <c>errorType</c> and <c>errorMessage</c>); throw
/// <see cref="FunctionThrottledException"/> to ask for a later attempt without consuming a retry.
/// </summary>
public interface IFunctionHandler
{
    /// <summary>Runs one attempt. <paramref name="cancellationToken"/> fires at the function's timeout.</summary>
    Task<byte[]> InvokeAsync(FunctionContext context, CancellationToken cancellationToken);
}
