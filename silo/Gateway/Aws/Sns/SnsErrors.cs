namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>SNS's errors: the query protocol's code, status and fault (SNS has no JSON protocol; the type repeats the code).</summary>
internal static class SnsErrors
{
    public static AwsServiceException NotFound(string message) => new(404, "NotFound", "NotFound", message);

    public static AwsServiceException InvalidParameter(string message) => new(400, "InvalidParameter", "InvalidParameter", message);

    public static AwsServiceException InvalidParameterValue(string message) => new(400, "ParameterValueInvalid", "ParameterValueInvalid", message);

    public static AwsServiceException Missing(string name) => InvalidParameter($"Invalid parameter: {name} Reason: cannot be empty");

    public static AwsServiceException AuthorizationError(string message) => new(403, "AuthorizationError", "AuthorizationError", message);

    public static AwsServiceException EmptyBatch() => new(400, "EmptyBatchRequest", "EmptyBatchRequest", "The batch request doesn't contain any entries.");

    public static AwsServiceException TooManyEntries() => new(400, "TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible (10).");

    public static AwsServiceException BatchEntryIdsNotDistinct() => new(400, "BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");

    public static AwsServiceException Unsupported(string message) => InvalidParameter(message);

    public static readonly AwsInput Input = new(InvalidParameter, Missing);
}
