namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>The wire protocols AWS services speak on <c>POST /</c>.</summary>
internal enum AwsProtocol
{
    /// <summary>AWS JSON 1.0/1.1: <c>X-Amz-Target: &lt;prefix&gt;.&lt;Operation&gt;</c>, a JSON body, JSON answers.</summary>
    Json,

    /// <summary>The query protocol: a form body with <c>Action</c> and <c>Version</c>, XML answers.</summary>
    Query,
}

/// <summary>One call to an AWS service: its operation, its input (in the JSON protocol's shape whatever the wire) and the request.</summary>
/// <param name="Operation">The operation name (<c>SendMessage</c>).</param>
/// <param name="Input">The input members; the query protocol's form is brought into the same shape.</param>
/// <param name="Protocol">How the request came and how it is answered.</param>
/// <param name="Http">The request.</param>
/// <param name="ResourcePath">The path the query protocol posted to (a queue URL's path), or <c>null</c> for <c>/</c>.</param>
internal sealed record AwsCall(string Operation, System.Text.Json.Nodes.JsonObject Input, AwsProtocol Protocol, HttpContext Http, string? ResourcePath);

/// <summary>An AWS service on the shared endpoint: the JSON target prefix and the query actions it serves.</summary>
internal interface IAwsService
{
    /// <summary>The <c>X-Amz-Target</c> prefix of its JSON protocol (<c>AmazonSQS.</c>), or <c>null</c> when it has none.</summary>
    string? JsonTargetPrefix { get; }

    /// <summary>The content type of its JSON answers (<c>application/x-amz-json-1.0</c>).</summary>
    string JsonContentType { get; }

    /// <summary>Whether it serves the query-protocol action (and so owns the form it came in).</summary>
    bool ServesAction(string action);

    /// <summary>
    /// Brings a query-protocol form into the JSON protocol's input shape: each service names its lists and maps its
    /// own way (<c>Attribute.1.Name</c>, <c>MessageAttribute.1.Value.StringValue</c>).
    /// </summary>
    System.Text.Json.Nodes.JsonObject FromQuery(IReadOnlyDictionary<string, string> form);

    /// <summary>Runs the operation; an unknown one or bad input throws <see cref="AwsServiceException"/>.</summary>
    Task<System.Text.Json.Nodes.JsonObject> HandleAsync(AwsCall call);

    /// <summary>Writes a result in the query protocol's XML (each service flattens its lists its own way).</summary>
    IResult QueryResult(string operation, System.Text.Json.Nodes.JsonObject output, string requestId);

    /// <summary>Writes an error in the protocol of the request.</summary>
    IResult Error(AwsProtocol protocol, AwsServiceException error, string requestId);
}
