using System.Net;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>Python handlers written for Lambda, deployed unchanged as zips on a <c>python3.*</c> runtime.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaPythonRuntimeTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Invoke_WhenTheHandlerIsAPythonFunction_GetsTheEventTheContextAndKeepsModuleStateWarm()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "lambda_function.lambda_handler", LambdaZip.Of(("lambda_function.py", """
            import os
            calls = 0

            def lambda_handler(event, context):
                global calls
                calls += 1
                return {"event": event, "calls": calls, "greeting": os.environ["GREETING"], "requestId": context.aws_request_id,
                        "arn": context.invoked_function_arn, "fn": context.function_name, "version": context.function_version,
                        "memory": context.memory_limit_in_mb, "remaining": context.get_remaining_time_in_millis(),
                        "group": context.log_group_name, "pid": os.getpid()}
            """)));

        var (_, first) = await LambdaZip.InvokeAsync(_http, name, """{"n":1}""");
        var (_, second) = await LambdaZip.InvokeAsync(_http, name, """{"n":2}""");

        Assert.Equal(1, first.GetProperty("event").GetProperty("n").GetInt32());
        Assert.Equal((1, 2), (first.GetProperty("calls").GetInt32(), second.GetProperty("calls").GetInt32()));
        Assert.Equal(first.GetProperty("pid").GetInt32(), second.GetProperty("pid").GetInt32());
        Assert.Equal(("hello", name, "$LATEST", "128"), (first.GetProperty("greeting").GetString(), first.GetProperty("fn").GetString(),
            first.GetProperty("version").GetString(), first.GetProperty("memory").GetString()));
        Assert.Equal($"/aws/lambda/{name}", first.GetProperty("group").GetString());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}", first.GetProperty("arn").GetString());
        Assert.Matches("^[0-9a-f-]{36}$", first.GetProperty("requestId").GetString()!);
        Assert.InRange(first.GetProperty("remaining").GetInt64(), 1, 10_000);
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerRaises_IsAFunctionErrorWithItsTypeAndMessage()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.11", "app.handler", LambdaZip.Of(("app.py", """
            class OrderRejected(Exception):
                pass

            def handler(event, context):
                raise OrderRejected("no stock for sku 42")
            """)));

        var (response, body) = await LambdaZip.InvokeAsync(_http, name, "{}");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal(("OrderRejected", "no stock for sku 42"), (body.GetProperty("errorType").GetString(), body.GetProperty("errorMessage").GetString()));
    }

    [Theory]
    [InlineData("app.nothere", "Runtime.HandlerNotFound", "Handler 'nothere' missing on module 'app'")]
    [InlineData("missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing'")]
    [InlineData("nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot'")]
    public async Task Invoke_WhenTheHandlerCannotBeLoaded_ReportsLambdasInitError(string handler, string errorType, string message)
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", handler, LambdaZip.Of(("app.py", "def handler(event, context):\n    return 1\n")));

        var (response, body) = await LambdaZip.InvokeAsync(_http, name, "{}");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal(errorType, body.GetProperty("errorType").GetString());
        Assert.Contains(message, body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenLogTypeIsTail_ReturnsTheLogsLastLinesWithStartEndAndReport()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "app.handler", LambdaZip.Of(("app.py", """
            import sys
            def handler(event, context):
                print("processing order", event["order"])
                print("warning: slow path", file=sys.stderr)
                return "ok"
            """)));

        var (response, _) = await LambdaZip.InvokeAsync(_http, name, """{"order":7}""", r => r.Headers.Add("X-Amz-Log-Type", "Tail"));
        var requestId = response.Headers.GetValues("X-Amzn-RequestId").Single();
        var log = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));

        Assert.StartsWith($"START RequestId: {requestId} Version: $LATEST\n", log, StringComparison.Ordinal);
        Assert.Contains("processing order 7\n", log, StringComparison.Ordinal);
        Assert.Contains("warning: slow path\n", log, StringComparison.Ordinal);
        Assert.Contains($"END RequestId: {requestId}\n", log, StringComparison.Ordinal);
        Assert.Matches($@"REPORT RequestId: {requestId}\tDuration: [0-9.]+ ms\tBilled Duration: [0-9]+ ms\tMemory Size: 128 MB\tInit Duration: [0-9.]+ ms", log);

        var (quiet, _) = await LambdaZip.InvokeAsync(_http, name, """{"order":8}""");
        Assert.False(quiet.Headers.Contains("X-Amz-Log-Result"));
    }

    [Fact]
    public async Task Invoke_WhenAClientContextIsPassed_TheHandlerSeesIt()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "app.handler", LambdaZip.Of(("app.py", """
            def handler(event, context):
                return {"custom": context.client_context.custom, "client": context.client_context.client}
            """)));
        var clientContext = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"custom":{"tenant":"acme"},"client":{"app_title":"shop"}}"""));

        var (_, body) = await LambdaZip.InvokeAsync(_http, name, "{}", r => r.Headers.Add("X-Amz-Client-Context", clientContext));
        var (refused, error) = await LambdaZip.InvokeAsync(_http, name, "{}", r => r.Headers.Add("X-Amz-Client-Context", "not base64!"));

        Assert.Equal("acme", body.GetProperty("custom").GetProperty("tenant").GetString());
        Assert.Equal("shop", body.GetProperty("client").GetProperty("app_title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("InvalidRequestContentException", error.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Invoke_WhenInitIsSlowerThanTheTimeout_InitDoesNotCountAgainstIt()
    {
        // Lambda gives init its own limit (10 s): a 1.5 s import under a 1 s function timeout still answers.
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "app.handler", LambdaZip.Of(("app.py", """
            import time
            time.sleep(1.5)
            def handler(event, context):
                return context.get_remaining_time_in_millis()
            """)), timeoutSeconds: 1);

        var (response, body) = await LambdaZip.InvokeAsync(_http, name, "{}");

        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), body.ToString());
        Assert.InRange(body.GetInt64(), 500, 1_000);
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerTimesOut_TheNextInvocationGetsAFreshEnvironment()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "app.handler", LambdaZip.Of(("app.py", """
            import os, time
            calls = 0
            def handler(event, context):
                global calls
                calls += 1
                if event.get("hang"):
                    time.sleep(30)
                return {"calls": calls, "pid": os.getpid()}
            """)), timeoutSeconds: 1);

        var (_, warm) = await LambdaZip.InvokeAsync(_http, name, "{}");
        var (timedOut, error) = await LambdaZip.InvokeAsync(_http, name, """{"hang":true}""");
        var (_, fresh) = await LambdaZip.InvokeAsync(_http, name, "{}");

        Assert.Equal("Unhandled", timedOut.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Task timed out after 1.00 seconds", error.GetProperty("errorMessage").GetString());
        Assert.Equal(1, fresh.GetProperty("calls").GetInt32());
        Assert.NotEqual(warm.GetProperty("pid").GetInt32(), fresh.GetProperty("pid").GetInt32());
    }
}
