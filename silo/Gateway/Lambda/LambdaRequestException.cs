namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>A request the gateway refuses before it reaches a grain (bad JSON, wrong media type, bad header).</summary>
internal sealed class LambdaRequestException(string code, int status, string message, string? reason = null) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    /// <summary>Lambda's <c>Reason</c> member, where the error shape has one.</summary>
    public string? Reason { get; } = reason;

    public static LambdaRequestException CallerRateLimitExceeded() =>
        new(ErrorCodes.TooManyRequests, 429, "Rate exceeded", "CallerRateLimitExceeded");

    public static LambdaRequestException BadContent(string message) =>
        new("InvalidRequestContentException", 400, message);

    public static LambdaRequestException UnsupportedMediaType(string? contentType) =>
        new("UnsupportedMediaTypeException", 415, $"The content type '{contentType}' is not supported.");

    public static LambdaRequestException TooLarge(string message) => new(ErrorCodes.RequestTooLarge, 413, message);
}
