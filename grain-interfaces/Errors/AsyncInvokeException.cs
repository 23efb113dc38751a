namespace Orleans.AsyncInvoke;

/// <summary>
/// A failure the runtime reports to a caller: the Lambda error code (for example <c>ResourceNotFoundException</c>)
/// and Lambda's message. Each surface renders it in its own wire format; the HTTP gateway maps the code to a status.
/// </summary>
[GenerateSerializer]
[Alias("AsyncInvoke.AsyncInvokeException")]
public sealed class AsyncInvokeException : Exception
{
    /// <summary>Creates an error with a code and a message.</summary>
    public AsyncInvokeException(string errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The Lambda error code, e.g. <c>InvalidParameterValueException</c>.</summary>
    [Id(0)]
    public string ErrorCode { get; }
}
