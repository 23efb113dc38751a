namespace Orleans.AsyncInvoke;

/// <summary>The Lambda error codes the runtime produces, and factories for the errors it raises most.</summary>
public static class ErrorCodes
{
    /// <summary>404: the function, qualifier or configuration does not exist.</summary>
    public const string ResourceNotFound = "ResourceNotFoundException";

    /// <summary>400: a parameter has a value the runtime refuses.</summary>
    public const string InvalidParameterValue = "InvalidParameterValueException";

    /// <summary>400: an event pattern EventBridge would refuse.</summary>
    public const string InvalidEventPattern = "InvalidEventPatternException";

    /// <summary>400: a parameter breaks a declared constraint (range, pattern, length).</summary>
    public const string Validation = "ValidationException";

    /// <summary>409: the resource exists already or is being changed.</summary>
    public const string ResourceConflict = "ResourceConflictException";

    /// <summary>409: the invocation is not in a state that allows the operation (cancel a final one, retry a pending one).</summary>
    public const string InvalidState = "InvalidStateException";

    /// <summary>412: the revision id sent is not the resource's current one.</summary>
    public const string PreconditionFailed = "PreconditionFailedException";

    /// <summary>413: the payload is over the limit for its invocation type.</summary>
    public const string RequestTooLarge = "RequestTooLargeException";

    /// <summary>429: the function's reserved concurrency is in use.</summary>
    public const string TooManyRequests = "TooManyRequestsException";

    /// <summary>500: the runtime failed.</summary>
    public const string Service = "ServiceException";

    /// <summary>Creates a 404 <c>ResourceNotFoundException</c>.</summary>
    public static AsyncInvokeException NotFound(string message) => new(ResourceNotFound, message);

    /// <summary>Creates a 400 <c>InvalidParameterValueException</c>.</summary>
    public static AsyncInvokeException InvalidParameter(string message) => new(InvalidParameterValue, message);

    /// <summary>Creates a 400 <c>InvalidEventPatternException</c> with EventBridge's message.</summary>
    public static AsyncInvokeException EventPatternRefused(string message) => new(InvalidEventPattern, message);

    /// <summary>Creates a 400 <c>ValidationException</c> listing every violated constraint, as Lambda words it.</summary>
    public static AsyncInvokeException ValidationFailed(IReadOnlyList<string> violations)
    {
        var count = violations.Count;
        var noun = count == 1 ? "error" : "errors";
        return new(Validation, $"{count} validation {noun} detected: {string.Join("; ", violations)}");
    }

    /// <summary>Creates a 409 <c>ResourceConflictException</c>.</summary>
    public static AsyncInvokeException Conflict(string message) => new(ResourceConflict, message);

    /// <summary>Creates a 409 <c>InvalidStateException</c>.</summary>
    public static AsyncInvokeException WrongState(string message) => new(InvalidState, message);

    /// <summary>Creates a 412 <c>PreconditionFailedException</c>.</summary>
    public static AsyncInvokeException StaleRevision(string message) => new(PreconditionFailed, message);

    /// <summary>Creates a 413 <c>RequestTooLargeException</c>.</summary>
    public static AsyncInvokeException TooLarge(string message) => new(RequestTooLarge, message);

    /// <summary>Creates a 429 <c>TooManyRequestsException</c>.</summary>
    public static AsyncInvokeException Throttled(string message) => new(TooManyRequests, message);

    /// <summary>Creates a 500 <c>ServiceException</c>: the runtime failed, the caller may try again.</summary>
    public static AsyncInvokeException ServiceFailure(string message) => new(Service, message);
}
