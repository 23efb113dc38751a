using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>Errors on the non-Lambda routes: <c>{"errorType","errorMessage"}</c> with the matching status, never a stack trace.</summary>
internal sealed partial class GatewayErrorFilter(ILogger<GatewayErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (AsyncInvokeException ex)
        {
            return Error(ErrorStatus.Of(ex.ErrorCode), ex.ErrorCode, ex.Message);
        }
        catch (LambdaRequestException ex)
        {
            return Error(ex.Status, ex.Code, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            return Error(ex.StatusCode, "InvalidRequestContentException", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return Error(500, ErrorCodes.Service, "The service encountered an internal error. Try again.");
        }
    }

    public static IResult Error(int status, string type, string message) =>
        Results.Json(new { errorType = type, errorMessage = message }, statusCode: status);

    [LoggerMessage(EventId = LogEvents.GatewayFailure, Level = LogLevel.Error, Message = "Unexpected failure on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
