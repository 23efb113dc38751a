namespace Orleans.AsyncInvoke.Invocations;

/// <summary>A function error as Lambda reports it (<c>errorType</c>, <c>errorMessage</c>).</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.ErrorInfo")]
public sealed record ErrorInfo(
    [property: Id(0)] string ErrorType,
    [property: Id(1)] string ErrorMessage);
