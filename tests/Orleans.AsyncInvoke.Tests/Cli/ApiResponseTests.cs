using Orleans.AsyncInvoke.Cli;
using Orleans.AsyncInvoke.Cli.Http;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary>The gateway's two error shapes read as <c>errorType: errorMessage</c> and an exit code.</summary>
[Trait("Category", "Unit")]
public sealed class ApiResponseTests
{
    [Theory]
    [InlineData(409, null, """{"errorType":"InvalidStateException","errorMessage":"The invocation is final (Succeeded)."}""", 5, "InvalidStateException", "The invocation is final (Succeeded).")]
    [InlineData(404, "ResourceNotFoundException", """{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope","__type":"ResourceNotFoundException"}""", 4, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")]
    [InlineData(403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/", """{"message":"The request signature we calculated does not match"}""", 1, "InvalidSignatureException", "The request signature we calculated does not match")]
    [InlineData(400, null, """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}""", 1, "QueueDoesNotExist", "gone")]
    [InlineData(502, null, "<html>Bad Gateway</html>", 3, "ServiceException", "The silo answered HTTP 502.")]
    [InlineData(401, null, "", 1, "UnauthorizedException", "The silo answered HTTP 401.")]
    public void Error_WhenTheGatewayRefuses_ReadsTheTypeTheMessageAndTheExitCode(int status, string? errorTypeHeader, string body, int exitCode, string type, string message)
    {
        using var http = new HttpResponseMessage();
        if (errorTypeHeader is not null)
        {
            http.Headers.TryAddWithoutValidation("X-Amzn-ErrorType", errorTypeHeader);
        }

        var error = new ApiResponse(status, http.Headers, body).Error();

        Assert.Equal((exitCode, type, message), (error.ExitCode, error.ErrorType, error.ErrorMessage));
    }

    [Theory]
    [InlineData(400, ExitCodes.ApiError)]
    [InlineData(403, ExitCodes.ApiError)]
    [InlineData(404, ExitCodes.NotFound)]
    [InlineData(409, ExitCodes.Conflict)]
    [InlineData(429, ExitCodes.ApiError)]
    [InlineData(500, ExitCodes.Unreachable)]
    [InlineData(503, ExitCodes.Unreachable)]
    public void OfStatus_WhenGivenAnErrorStatus_MapsToTheDocumentedExitCode(int status, int exitCode) =>
        Assert.Equal(exitCode, ExitCodes.OfStatus(status));
}
