namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>
/// An authentication refusal on the AWS services' endpoint, in the protocol the request came in (JSON when it names an
/// <c>X-Amz-Target</c>, query XML otherwise), with the codes those services use for it.
/// </summary>
internal sealed class AwsAuthErrorResult(int status, string code, string message) : IResult
{
    private const string QueryNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var awsCode = code switch
        {
            "UnrecognizedClientException" => "InvalidClientTokenId",
            "InvalidSignatureException" => "SignatureDoesNotMatch",
            "MissingAuthenticationTokenException" => "MissingAuthenticationToken",
            "IncompleteSignatureException" => "IncompleteSignature",
            "AccessDeniedException" => "AccessDenied",
            _ => code,
        };
        var protocol = httpContext.Request.Headers.ContainsKey("X-Amz-Target") ? AwsProtocol.Json : AwsProtocol.Query;
        var requestId = Guid.NewGuid().ToString();
        httpContext.Response.Headers["x-amzn-RequestId"] = requestId;
        var error = new AwsServiceException(status, awsCode, "com.amazon.coral.service#" + awsCode, message);
        return AwsResults.Error(protocol, error, requestId, "application/x-amz-json-1.0", QueryNamespace).ExecuteAsync(httpContext);
    }
}
