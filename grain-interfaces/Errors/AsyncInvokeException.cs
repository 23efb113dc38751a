namespace Orleans.AsyncInvoke;

/// <summary>
/// A failure the runtime reports to a caller: it carries the Lambda error code (for example
/// <c>ResourceNotFoundException</c>) and the HTTP status the gateway answers with, so every surface can render it
/// in its own wire format.
/// </summary>
[GenerateSerializer]
[Alias("AsyncInvoke.AsyncInvokeException")]
public sealed class AsyncInvokeException : Exception
{
    /// <summary>Creates an error with a code, a status and a message.</summary>
    public AsyncInvokeException(string errorCode, int statusCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    /// <summary>The Lambda error code, e.g. <c>InvalidParameterValueException</c>.</summary>
    [Id(0)]
    public string ErrorCode { get; }

    /// <summary>The HTTP status code the error maps to.</summary>
    [Id(1)]
    public int StatusCode { get; }

    /// <summary>Whether the caller (<c>User</c>) or the service (<c>Service</c>) is at fault.</summary>
    public string FaultType => StatusCode >= 500 ? "Service" : "User";
}
