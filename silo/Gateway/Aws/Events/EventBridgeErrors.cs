namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>EventBridge's errors: <c>{"__type": "&lt;Code&gt;", "message": …}</c> in AWS JSON 1.1.</summary>
internal static class EventBridgeErrors
{
    public static AwsServiceException NotFound(string message) => Error(400, "ResourceNotFoundException", message);

    public static AwsServiceException Validation(string message) => Error(400, "ValidationException", message);

    public static AwsServiceException AlreadyExists(string message) => Error(400, "ResourceAlreadyExistsException", message);

    public static AwsServiceException InvalidEventPattern(string message) => Error(400, "InvalidEventPatternException", message);

    public static AwsServiceException LimitExceeded(string message) => Error(400, "LimitExceededException", message);

    public static AwsServiceException AccessDenied(string message) => Error(403, "AccessDeniedException", message);

    public static AwsServiceException Missing(string name) => Validation($"1 validation error detected: Value null at '{Camel(name)}' failed to satisfy constraint: Member must not be null");

    public static readonly AwsInput Input = new(Validation, Missing);

    private static AwsServiceException Error(int status, string code, string message) => new(status, code, code, message);

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
