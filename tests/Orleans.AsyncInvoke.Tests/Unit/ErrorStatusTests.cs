using Orleans.AsyncInvoke.Silo.Gateway;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class ErrorStatusTests
{
    [Theory]
    [InlineData(ErrorCodes.ResourceNotFound, 404)]
    [InlineData(ErrorCodes.InvalidParameterValue, 400)]
    [InlineData(ErrorCodes.Validation, 400)]
    [InlineData(ErrorCodes.ResourceConflict, 409)]
    [InlineData(ErrorCodes.PreconditionFailed, 412)]
    [InlineData(ErrorCodes.RequestTooLarge, 413)]
    [InlineData(ErrorCodes.TooManyRequests, 429)]
    [InlineData(ErrorCodes.Service, 500)]
    [InlineData("SomethingNobodyDefined", 500)]
    public void Of_WhenGivenAnErrorCode_IsTheStatusLambdaAnswersWith(string code, int status) =>
        Assert.Equal(status, ErrorStatus.Of(code));
}
