namespace Orleans.AsyncInvoke.Execution;

/// <summary>Thrown by a runtime to report a function error with Lambda's <c>errorType</c> and <c>errorMessage</c>.</summary>
public sealed class FunctionErrorException(string errorType, string errorMessage) : Exception(errorMessage)
{
    /// <summary>The <c>errorType</c> of the record.</summary>
    public string ErrorType { get; } = errorType;
}
