using System.Text.Json;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>
/// Lambda's rest-json error: header <c>X-Amzn-ErrorType</c>, a body with <c>Type</c> and the message in the casing
/// each shape uses (SDKs read it), and <c>__type</c> for older clients.
/// </summary>
internal sealed class LambdaErrorResult(string code, int status, string message, string? reason = null, int? retryAfterSeconds = null) : IResult
{
    // Shapes whose message member is capitalised in the Lambda API model.
    private static readonly HashSet<string> CapitalisedMessage = new(StringComparer.Ordinal)
    {
        "ResourceNotFoundException", "RecursiveInvocationException", "ResourceNotReadyException",
    };

    public static LambdaErrorResult From(AsyncInvokeException ex) => ex.ErrorCode == ErrorCodes.TooManyRequests
        ? new(ex.ErrorCode, ErrorStatus.Of(ex.ErrorCode), ex.Message, "ReservedFunctionConcurrentInvocationLimitExceeded", 1)
        : new(ex.ErrorCode, ErrorStatus.Of(ex.ErrorCode), ex.Message);

    public string Code => code;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.Headers["X-Amzn-ErrorType"] = code;
        response.Headers["X-Amzn-RequestId"] = httpContext.TraceIdentifier;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.Body, ReadableJson.Writer);
        writer.WriteStartObject();
        writer.WriteString("Type", status >= 500 ? "Service" : "User");
        writer.WriteString(CapitalisedMessage.Contains(code) ? "Message" : "message", message);
        writer.WriteString("__type", code);
        if (reason is not null)
        {
            writer.WriteString("Reason", reason);
        }

        writer.WriteEndObject();
        await writer.FlushAsync();
    }
}
