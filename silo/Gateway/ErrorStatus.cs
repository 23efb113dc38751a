namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>The HTTP status each Lambda error code answers with: the gateway's mapping, not part of the contracts.</summary>
internal static class ErrorStatus
{
    /// <summary>The status of <paramref name="errorCode"/>; an unknown code is the service's failure (500).</summary>
    public static int Of(string errorCode) => errorCode switch
    {
        ErrorCodes.ResourceNotFound => StatusCodes.Status404NotFound,
        ErrorCodes.InvalidParameterValue or ErrorCodes.Validation or ErrorCodes.InvalidEventPattern => StatusCodes.Status400BadRequest,
        ErrorCodes.ResourceConflict or ErrorCodes.InvalidState => StatusCodes.Status409Conflict,
        ErrorCodes.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        ErrorCodes.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCodes.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };
}
