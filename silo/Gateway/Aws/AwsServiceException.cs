namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>
/// An error in an AWS service's own words: the JSON protocol's <c>__type</c> shape name, the query protocol's code (also
/// sent to JSON callers in <c>x-amzn-query-error</c>, which the SDKs read), the status and who is at fault.
/// </summary>
internal sealed class AwsServiceException(int status, string queryCode, string jsonType, string message, bool senderFault = true) : Exception(message)
{
    /// <summary>The HTTP status.</summary>
    public int Status => status;

    /// <summary>The query protocol's error code (<c>AWS.SimpleQueueService.NonExistentQueue</c>).</summary>
    public string QueryCode => queryCode;

    /// <summary>The JSON protocol's <c>__type</c> (<c>com.amazonaws.sqs#QueueDoesNotExist</c>).</summary>
    public string JsonType => jsonType;

    /// <summary><c>Sender</c> or <c>Receiver</c>.</summary>
    public string Fault => senderFault ? "Sender" : "Receiver";

    /// <summary>An operation no service on the endpoint knows.</summary>
    public static AwsServiceException UnknownOperation(AwsProtocol protocol, string operation) => protocol == AwsProtocol.Json
        ? new(400, "UnknownOperationException", "com.amazon.coral.service#UnknownOperationException", $"The operation {operation} is not known on this endpoint.")
        : new(400, "InvalidAction", "com.amazon.coral.service#InvalidAction", $"The action {operation} is not valid for this endpoint.");

    /// <summary>A body that does not parse.</summary>
    public static AwsServiceException Malformed(AwsProtocol protocol, string why) => protocol == AwsProtocol.Json
        ? new(400, "SerializationException", "com.amazon.coral.service#SerializationException", why)
        : new(400, "MalformedQueryString", "com.amazon.coral.service#MalformedQueryString", why);
}
