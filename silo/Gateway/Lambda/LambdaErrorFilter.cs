namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Turns every failure on a Lambda route into a Lambda-shaped error: never a stack trace, never an HTML page.</summary>
internal sealed partial class LambdaErrorFilter(ILogger<LambdaErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (AsyncInvokeException ex)
        {
            return LambdaErrorResult.From(ex);
        }
        catch (LambdaRequestException ex)
        {
            return new LambdaErrorResult(ex.Code, ex.Status, ex.Message, ex.Reason, ex.Status == 429 ? 1 : null);
        }
        catch (BadHttpRequestException ex)
        {
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new LambdaErrorResult(ErrorCodes.RequestTooLarge, 413, "Request must be smaller than the payload limit.")
                : new LambdaErrorResult("InvalidRequestContentException", 400, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return new LambdaErrorResult(ErrorCodes.Service, 500, "The service encountered an internal error. Try again.");
        }
    }

    [LoggerMessage(EventId = LogEvents.LambdaGatewayFailure, Level = LogLevel.Error, Message = "Unexpected failure on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
