using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class EventInvokeConfigTests(ClusterFixture fixture)
{
    private IAsyncInvoker Invoker => fixture.Invoker;

    [Fact]
    public async Task Put_WhenAConfigExists_OverwritesItAndDropsOmittedSettings()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 1, MaximumEventAgeInSeconds = 300, OnSuccess = "queue://done", HasDestinationConfig = true });

        var replaced = await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 120 });

        Assert.Null(replaced.MaximumRetryAttempts);
        Assert.Equal(120, replaced.MaximumEventAgeInSeconds);
        Assert.Null(replaced.OnSuccess);
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{fn}:$LATEST", replaced.FunctionArn);
        Assert.Equal(fixture.Time.GetUtcNow(), replaced.LastModified);
        Assert.Equal(replaced, await Invoker.GetEventInvokeConfigAsync(fn));
    }

    [Fact]
    public async Task Update_WhenAConfigExists_MergesIntoItsSettings()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 1, OnFailure = "queue://failed", HasDestinationConfig = true });

        var merged = await Invoker.UpdateEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 600 });

        Assert.Equal(1, merged.MaximumRetryAttempts);
        Assert.Equal(600, merged.MaximumEventAgeInSeconds);
        Assert.Equal("queue://failed", merged.OnFailure);
    }

    [Fact]
    public async Task Update_WhenNoConfigExists_CreatesOne()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var created = await Invoker.UpdateEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });

        Assert.Equal(0, created.MaximumRetryAttempts);
        Assert.Null(created.MaximumEventAgeInSeconds);
    }

    [Fact]
    public async Task GetAndDelete_WhenNoConfigExists_FailWithLambdasNotFoundMessage()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var expected = $"The function arn:aws:lambda:us-east-1:000000000000:function:{fn}:$LATEST doesn't have an EventInvokeConfig";

        var get = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.GetEventInvokeConfigAsync(fn));
        var delete = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.DeleteEventInvokeConfigAsync(fn));

        Assert.Equal((ErrorCodes.ResourceNotFound, expected), (get.ErrorCode, get.Message));
        Assert.Equal((ErrorCodes.ResourceNotFound, expected), (delete.ErrorCode, delete.Message));
    }

    [Fact]
    public async Task Delete_WhenAConfigExists_RemovesIt()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 2 });

        await Invoker.DeleteEventInvokeConfigAsync(fn);

        await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.GetEventInvokeConfigAsync(fn));
        Assert.Empty((await Invoker.ListEventInvokeConfigsAsync(fn)).Items);
    }

    [Fact]
    public async Task List_WhenTheFunctionHasAConfig_ReturnsItAndValidatesMaxItems()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var put = await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 2 });

        var page = await Invoker.ListEventInvokeConfigsAsync(fn, maxItems: 1);

        Assert.Equal([put], page.Items);
        Assert.Null(page.NextMarker);
        var bad = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.ListEventInvokeConfigsAsync(fn, maxItems: 51));
        Assert.Equal(ErrorCodes.Validation, bad.ErrorCode);
    }

    [Fact]
    public async Task PutAndUpdate_WhenNoSettingIsGiven_AreRefused()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var put = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput()));
        var update = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.UpdateEventInvokeConfigAsync(fn, new EventInvokeConfigInput()));

        const string expected = "You must specify at least one of error handling or destination setting.";
        Assert.Equal((ErrorCodes.InvalidParameterValue, expected), (put.ErrorCode, put.Message));
        Assert.Equal((ErrorCodes.InvalidParameterValue, expected), (update.ErrorCode, update.Message));
    }

    [Fact]
    public async Task Put_WhenGivenAnEmptyDestinationConfig_CountsItAsASetting()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var config = await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { HasDestinationConfig = true });

        Assert.Null(config.OnSuccess);
        Assert.Null(config.OnFailure);
    }

    [Theory]
    [InlineData(3, null, "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2")]
    [InlineData(-1, null, "1 validation error detected: Value '-1' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0")]
    [InlineData(null, 59, "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60")]
    [InlineData(null, 21601, "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600")]
    [InlineData(5, 10, "2 validation errors detected: Value '5' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2; Value '10' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60")]
    public async Task Put_WhenNumbersAreOutOfRange_NamesTheFieldAndTheBound(int? retries, int? age, string expected)
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = retries, MaximumEventAgeInSeconds = age }));

        Assert.Equal((ErrorCodes.Validation, expected), (ex.ErrorCode, ex.Message));
    }

    [Fact]
    public async Task Put_WhenTheFunctionIsItsOwnDestination_IsRefused()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.PutEventInvokeConfigAsync(fn,
            new EventInvokeConfigInput { OnFailure = $"arn:aws:lambda:us-east-1:000000000000:function:{fn}", HasDestinationConfig = true }));

        Assert.Equal((ErrorCodes.InvalidParameterValue, "You can't specify the function as a destination for itself."), (ex.ErrorCode, ex.Message));
    }

    [Theory]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:does-not-exist")]
    [InlineData("function://does-not-exist")]
    [InlineData("arn:aws:dynamodb:us-east-1:000000000000:table/t")]
    [InlineData("ftp://example.com/x")]
    [InlineData("arn:aws:s3:::bucket-for-success")]
    public async Task Put_WhenTheDestinationIsUnsupportedOrMissing_IsRefused(string destination)
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.PutEventInvokeConfigAsync(fn,
            new EventInvokeConfigInput { OnSuccess = destination, HasDestinationConfig = true }));

        Assert.Equal((ErrorCodes.InvalidParameterValue, $"The destination ARN {destination} is invalid."), (ex.ErrorCode, ex.Message));
    }

    [Fact]
    public async Task Put_WhenDestinationsAreAnExistingFunctionAndABucket_IsAccepted()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var other = await fixture.CreateFunctionAsync("dotnet:echo");

        var config = await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput
        {
            OnSuccess = $"arn:aws:lambda:us-east-1:000000000000:function:{other}",
            OnFailure = "arn:aws:s3:::failure-bucket",
            HasDestinationConfig = true,
        });

        Assert.Equal("arn:aws:s3:::failure-bucket", config.OnFailure);
    }

    [Fact]
    public async Task Config_WhenTheFunctionOrQualifierIsUnknown_FailsWithResourceNotFound()
    {
        var missing = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.PutEventInvokeConfigAsync("nope", new EventInvokeConfigInput { MaximumRetryAttempts = 1 }));
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var version = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.GetEventInvokeConfigAsync(fn, "7"));

        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope", missing.Message);
        Assert.Equal($"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{fn}:7", version.Message);
    }

    [Fact]
    public async Task RetryConfig_WhenPut_IsWhatTheNextAttemptUses()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 1 });
        var id = await Invoker.InvokeEventAsync(fn, []);

        await fixture.Events.WaitAsync(id, Invocations.InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        var done = await fixture.Events.WaitAsync(id, Invocations.InvocationEventKind.Completed);

        Assert.Equal((Invocations.InvocationCondition.RetriesExhausted, 2), (done.Condition, done.Attempt));
    }
}
