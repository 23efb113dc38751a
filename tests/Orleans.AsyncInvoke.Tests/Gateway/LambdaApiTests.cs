using System.Net;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaApiTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private async Task<string> CreateFunctionAsync(string target = "dotnet:echo")
    {
        var name = $"http-{Guid.NewGuid():N}";
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{name}}}","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"{{{target}}}"}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    [Fact]
    public async Task Invoke_WhenTheTypeIsEvent_Answers202WithAnEmptyBodyAndTheInvocationsRequestId()
    {
        var response = await _http.SendAsync(Invoke("echo", """{"e":1}""", "Event"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var requestId = response.Headers.GetValues("X-Amzn-RequestId").Single();
        var completed = await fixture.Events.WaitAsync(requestId, InvocationEventKind.Completed);
        Assert.Equal(InvocationCondition.Success, completed.Condition);
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("echo:$LATEST")]
    [InlineData("000000000000:function:echo")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:echo")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST")]
    public async Task Invoke_WhenAddressedByNameOrPartialOrFullArn_AnswersWithTheResponse(string functionName)
    {
        var response = await _http.SendAsync(Invoke(Uri.EscapeDataString(functionName), """{"n":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"n":2}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("$LATEST", response.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"));
    }

    [Fact]
    public async Task Invoke_WhenTheFunctionFails_Answers200WithFunctionErrorHeader()
    {
        var response = await _http.SendAsync(Invoke("fail", """{"message":"kaputt"}""", "RequestResponse"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("""{"errorMessage":"kaputt","errorType":"InvalidOperationException"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_WhenDryRun_Answers204()
    {
        var response = await _http.SendAsync(Invoke("echo", "", "DryRun"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Invoke_WhenTheIdempotencyKeyRepeats_ReturnsTheFirstRequestIdAndRunsOnce()
    {
        var key = Guid.NewGuid().ToString();
        var first = Invoke("echo", "{}", "Event");
        first.Headers.Add("Idempotency-Key", key);
        var second = Invoke("echo", "{}", "Event");
        second.Headers.Add("Idempotency-Key", key);

        var id1 = (await _http.SendAsync(first)).Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id1, InvocationEventKind.Completed);
        var id2 = (await _http.SendAsync(second)).Headers.GetValues("X-Amzn-RequestId").Single();

        Assert.Equal(id1, id2);
        Assert.Single(fixture.Events.For(id1), e => e.Kind == InvocationEventKind.Accepted);
    }

    [Fact]
    public async Task InvokeAsync_WhenCalledOnTheDeprecatedApi_Answers202AndEnforces256KB()
    {
        var ok = await _http.SendAsync(Request(HttpMethod.Post, "/2014-11-13/functions/echo/invoke-async", "{}"));
        var tooLarge = await _http.SendAsync(Request(HttpMethod.Post, "/2014-11-13/functions/echo/invoke-async", $$"""{"p":"{{new string('x', 256 * 1024)}}"}"""));

        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        Assert.Equal(202, JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("Status").GetInt32());
        Assert.Equal("Request must be smaller than 262144 bytes for the InvokeAsync operation.", await AssertLambdaErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "RequestTooLargeException"));
    }

    [Fact]
    public async Task Invoke_WhenOverTheAsyncOrSyncLimit_IsRequestTooLarge()
    {
        var asyncBody = $$"""{"p":"{{new string('x', 1024 * 1024)}}"}""";
        var syncBody = $$"""{"p":"{{new string('x', 6 * 1024 * 1024)}}"}""";

        var tooLargeAsync = await _http.SendAsync(Invoke("echo", asyncBody, "Event"));
        var tooLargeSync = await _http.SendAsync(Invoke("echo", syncBody, "RequestResponse"));
        var fitsSync = await _http.SendAsync(Invoke("echo", asyncBody, "RequestResponse"));

        Assert.Equal("Request must be smaller than 1048576 bytes for the Event invocation type.", await AssertLambdaErrorAsync(tooLargeAsync, HttpStatusCode.RequestEntityTooLarge, "RequestTooLargeException"));
        Assert.Equal("Request must be smaller than 6291456 bytes for the Invoke operation.", await AssertLambdaErrorAsync(tooLargeSync, HttpStatusCode.RequestEntityTooLarge, "RequestTooLargeException"));
        Assert.Equal(HttpStatusCode.OK, fitsSync.StatusCode);
    }

    [Fact]
    public async Task Invoke_WhenConcurrencyIsZero_IsTooManyRequestsWithReasonAndRetryAfter()
    {
        var fn = await CreateFunctionAsync();
        await _http.SendAsync(Request(HttpMethod.Put, $"/2017-10-31/functions/{fn}/concurrency", """{"ReservedConcurrentExecutions":0}"""));

        var response = await _http.SendAsync(Invoke(fn, "{}"));

        Assert.Equal("Rate Exceeded.", await AssertLambdaErrorAsync(response, HttpStatusCode.TooManyRequests, "TooManyRequestsException"));
        Assert.True(response.Headers.Contains("Retry-After"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ReservedFunctionConcurrentInvocationLimitExceeded", body.RootElement.GetProperty("Reason").GetString());
    }

    [Fact]
    public async Task Function_WhenManagedOverHttp_CreatesGetsUpdatesListsAndDeletes()
    {
        var fn = await CreateFunctionAsync();

        var get = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/2015-03-31/functions/{fn}", UriKind.Relative))).RootElement;
        Assert.Equal("dotnet:echo", get.GetProperty("Code").GetProperty("ImageUri").GetString());
        Assert.Equal(3, get.GetProperty("Configuration").GetProperty("Timeout").GetInt32());

        var update = await _http.SendAsync(Request(HttpMethod.Put, $"/2015-03-31/functions/{fn}/configuration",
            """{"Timeout":7,"Environment":{"Variables":{"K":"v"}},"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}}"""));
        var updated = JsonDocument.Parse(await update.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(7, updated.GetProperty("Timeout").GetInt32());
        Assert.Equal("v", updated.GetProperty("Environment").GetProperty("Variables").GetProperty("K").GetString());
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:dlq", updated.GetProperty("DeadLetterConfig").GetProperty("TargetArn").GetString());

        var list = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/2015-03-31/functions?MaxItems=10000", UriKind.Relative))).RootElement;
        Assert.Contains(list.GetProperty("Functions").EnumerateArray(), f => f.GetProperty("FunctionName").GetString() == fn);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/2015-03-31/functions/{fn}", UriKind.Relative))).StatusCode);
        var gone = await _http.GetAsync(new Uri($"/2015-03-31/functions/{fn}", UriKind.Relative));
        Assert.Equal($"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{fn}", await AssertLambdaErrorAsync(gone, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task EventInvokeConfig_WhenManagedOverHttp_HasLambdasWireShape()
    {
        var fn = await CreateFunctionAsync();
        var path = $"/2019-09-25/functions/{fn}/event-invoke-config";

        var put = await _http.SendAsync(Request(HttpMethod.Put, path, """{"MaximumEventAgeInSeconds":120}"""));
        var body = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(120, body.GetProperty("MaximumEventAgeInSeconds").GetInt32());
        Assert.False(body.TryGetProperty("MaximumRetryAttempts", out _));
        Assert.Equal(JsonValueKind.Number, body.GetProperty("LastModified").ValueKind);
        Assert.Equal("""{"OnSuccess":{},"OnFailure":{}}""", body.GetProperty("DestinationConfig").GetRawText());

        var list = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"{path}/list", UriKind.Relative))).RootElement;
        Assert.Equal(1, list.GetProperty("FunctionEventInvokeConfigs").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri(path, UriKind.Relative))).StatusCode);
        var missing = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal($"The function arn:aws:lambda:us-east-1:000000000000:function:{fn}:$LATEST doesn't have an EventInvokeConfig",
            await AssertLambdaErrorAsync(missing, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task Versions_WhenPublished_DoNotCarryTheLatestConfigAndAliasesRouteToThem()
    {
        var fn = await CreateFunctionAsync();
        await _http.SendAsync(Request(HttpMethod.Put, $"/2019-09-25/functions/{fn}/event-invoke-config", """{"MaximumRetryAttempts":0}"""));
        var published = await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/versions", "{}"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/aliases", """{"Name":"prod","FunctionVersion":"1"}"""));

        var config = await _http.GetAsync(new Uri($"/2019-09-25/functions/{fn}/event-invoke-config?Qualifier=1", UriKind.Relative));
        var viaAlias = await _http.SendAsync(Invoke($"{fn}:prod", "{}"));

        await AssertLambdaErrorAsync(config, HttpStatusCode.NotFound, "ResourceNotFoundException");
        Assert.Equal("1", viaAlias.Headers.GetValues("X-Amz-Executed-Version").Single());
        var id = (await _http.SendAsync(Invoke($"{fn}:prod", "{}", "Event"))).Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative)));
        Assert.Equal("prod", status.RootElement.GetProperty("qualifier").GetString());
        Assert.Equal("1", status.RootElement.GetProperty("record").GetProperty("responseContext").GetProperty("executedVersion").GetString());
        Assert.EndsWith($":function:{fn}:prod", status.RootElement.GetProperty("record").GetProperty("requestContext").GetProperty("functionArn").GetString(), StringComparison.Ordinal);
    }
}
