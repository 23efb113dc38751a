namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>SQS's errors: the query code (also the <c>x-amzn-query-error</c> header) and the JSON shape each has.</summary>
internal static class SqsErrors
{
    private const string Shape = "com.amazonaws.sqs#";

    public static AwsServiceException NonExistentQueue() =>
        new(400, "AWS.SimpleQueueService.NonExistentQueue", Shape + "QueueDoesNotExist", "The specified queue does not exist.");

    public static AwsServiceException QueueNameExists(string attribute) =>
        new(400, "QueueAlreadyExists", Shape + "QueueNameExists", $"A queue already exists with the same name and a different value for attribute {attribute}");

    public static AwsServiceException InvalidParameterValue(string message) =>
        new(400, "InvalidParameterValue", Shape + "InvalidParameterValue", message);

    public static AwsServiceException MissingParameter(string name) =>
        new(400, "MissingParameter", Shape + "MissingParameter", $"The request must contain the parameter {name}.");

    public static AwsServiceException InvalidAttributeName(string message) =>
        new(400, "InvalidAttributeName", Shape + "InvalidAttributeName", message);

    public static AwsServiceException InvalidAttributeValue(string message) =>
        new(400, "InvalidAttributeValue", Shape + "InvalidAttributeValue", message);

    public static AwsServiceException ReceiptHandleIsInvalid(string handle) =>
        new(400, "ReceiptHandleIsInvalid", Shape + "ReceiptHandleIsInvalid", $"The input receipt handle \"{Shown(handle)}\" is not a valid receipt handle.");

    public static AwsServiceException MessageNotInflight() =>
        new(400, "AWS.SimpleQueueService.MessageNotInflight", Shape + "MessageNotInflight", "The message referred to is not in flight.");

    public static AwsServiceException InvalidMessageContents(string message) =>
        new(400, "InvalidMessageContents", Shape + "InvalidMessageContents", message);

    public static AwsServiceException EmptyBatchRequest() =>
        new(400, "AWS.SimpleQueueService.EmptyBatchRequest", Shape + "EmptyBatchRequest", "There should be at least one entry in the request.");

    public static AwsServiceException TooManyEntriesInBatchRequest(int count) =>
        new(400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", Shape + "TooManyEntriesInBatchRequest", $"Maximum number of entries per request are 10. You have sent {count}.");

    public static AwsServiceException BatchEntryIdsNotDistinct(string id) =>
        new(400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", Shape + "BatchEntryIdsNotDistinct", $"Id {Shown(id)} repeated.");

    public static AwsServiceException InvalidBatchEntryId(string id) =>
        new(400, "AWS.SimpleQueueService.InvalidBatchEntryId", Shape + "InvalidBatchEntryId",
            $"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long (was '{Shown(id)}').");

    public static AwsServiceException BatchRequestTooLong(int bytes, int limit) =>
        new(400, "AWS.SimpleQueueService.BatchRequestTooLong", Shape + "BatchRequestTooLong", $"Batch requests cannot be longer than {limit} bytes. You have sent {bytes} bytes.");

    public static AwsServiceException UnsupportedOperation(string message) =>
        new(400, "AWS.SimpleQueueService.UnsupportedOperation", Shape + "UnsupportedOperation", message);

    public static AwsServiceException AccessDenied(string message) =>
        new(403, "AccessDenied", "com.amazon.coral.service#AccessDeniedException", message);

    /// <summary>Caller text echoed in an error: bounded.</summary>
    public static string Shown(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
