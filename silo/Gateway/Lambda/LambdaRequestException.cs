namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>A request the gateway refuses before it reaches a grain (bad JSON, wrong media type, bad header).</summary>
internal sealed class LambdaRequestException(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    public static LambdaRequestException BadContent(string message) =>
        new("InvalidRequestContentException", 400, message);

    public static LambdaRequestException UnsupportedMediaType(string? contentType) =>
        new("UnsupportedMediaTypeException", 415, $"The content type '{contentType}' is not supported.");

    public static LambdaRequestException TooLarge(string message) => new(ErrorCodes.RequestTooLarge, 413, message);
}
