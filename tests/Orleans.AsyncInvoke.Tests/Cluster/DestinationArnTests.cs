using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>Destination ARNs name this runtime's region and account, and a refusal says what is wrong.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DestinationArnTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("arn:aws:sqs:eu-west-9:000000000000:q", "eu-west-9", "000000000000")]
    [InlineData("arn:aws:sqs:us-east-1:123456789012:q", "us-east-1", "123456789012")]
    [InlineData("arn:aws:sns:eu-west-1:000000000000:t", "eu-west-1", "000000000000")]
    public async Task Put_WhenTheArnIsOfAnotherRegionOrAccount_IsRefusedNamingBoth(string destination, string region, string account)
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => fixture.Invoker.PutEventInvokeConfigAsync(fn,
            new EventInvokeConfigInput { OnFailure = destination, HasDestinationConfig = true }));

        Assert.Equal(ErrorCodes.InvalidParameterValue, ex.ErrorCode);
        Assert.Contains($"region '{region}' and account '{account}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("serves region 'us-east-1', account '000000000000'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterTarget_WhenTheArnIsOfAnotherAccount_IsRefused()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => fixture.Invoker.UpdateFunctionAsync(fn,
            new FunctionDefinitionInput { DeadLetterTarget = "arn:aws:sqs:us-east-1:999999999999:dlq" }));

        Assert.Contains("account '999999999999'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_WhenTheDestinationFunctionIsMissing_AnswersInLambdasWordsNamingIt()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => fixture.Invoker.PutEventInvokeConfigAsync(fn,
            new EventInvokeConfigInput { OnSuccess = "arn:aws:lambda:us-east-1:000000000000:function:not-there", HasDestinationConfig = true }));

        Assert.Equal("The destination ARN arn:aws:lambda:us-east-1:000000000000:function:not-there is invalid.", ex.Message);
    }
}
