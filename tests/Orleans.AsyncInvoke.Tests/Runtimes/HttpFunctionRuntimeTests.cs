using System.Text;
using Microsoft.Extensions.Time.Testing;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Runtimes.RuntimeHarness;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

[Trait("Category", "Runtime")]
public sealed class HttpFunctionRuntimeTests
{
    [Fact]
    public async Task Http_WhenTheAnswerIs2xx_ReturnsTheBodyAndSendsTheAttemptHeaders()
    {
        await using var server = new FunctionServer((c, body) => FunctionServer.ReplyAsync(c, 200, $$"""{"got":{{body}}}"""));
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function(server.Url), Context("""{"a":1}""", attempt: 2, requestId: "req-42"));

        Assert.Equal(AttemptOutcome.Success, result.Outcome);
        Assert.Equal("""{"got":{"a":1}}""", Encoding.UTF8.GetString(result.Payload));
        var (headers, _, _) = Assert.Single(server.Requests);
        Assert.Equal(("req-42", "2", "fn"), (headers["X-Request-Id"], headers["X-Attempt"], headers["X-Function-Name"]));
        Assert.True(DateTimeOffset.TryParse(headers["X-Deadline"], out _));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers["traceparent"]);
    }

    [Fact]
    public async Task Http_WhenTheErrorBodyIsLambdaShaped_UsesItsTypeAndMessage()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 500, """{"errorType":"Boom","errorMessage":"it broke"}"""));
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function(server.Url));

        Assert.Equal((AttemptOutcome.FunctionError, "Boom", "it broke"), (result.Outcome, result.Error!.ErrorType, result.Error.ErrorMessage));
    }

    [Fact]
    public async Task Http_WhenTheErrorBodyIsNotJson_ReportsStatusAndReason()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 502, "<html>bad gateway</html>", "text/html"));
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function(server.Url));

        Assert.Equal("""{"errorMessage":"502 Bad Gateway","errorType":"HttpError"}""", Encoding.UTF8.GetString(result.Payload));
    }

    [Fact]
    public async Task Http_WhenTheAnswerIs429WithRetryAfter_IsAThrottleWithThatWait()
    {
        await using var server = new FunctionServer((c, _) =>
        {
            c.Response.Headers["Retry-After"] = "7";
            return FunctionServer.ReplyAsync(c, 429, "slow down", "text/plain");
        });
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function(server.Url));

        Assert.Equal((AttemptOutcome.Throttled, TimeSpan.FromSeconds(7)), (result.Outcome, result.RetryAfter));
    }

    [Fact]
    public async Task Http_WhenTheAnswerIs503_IsAThrottle()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 503, ""));
        using var harness = new RuntimeHarness();

        Assert.Equal(AttemptOutcome.Throttled, (await harness.RunAsync(Function(server.Url))).Outcome);
    }

    [Fact]
    public async Task Http_WhenSlowerThanTheTimeout_IsCutAtTheDeadline()
    {
        var release = new TaskCompletionSource();
        await using var server = new FunctionServer(async (c, _) =>
        {
            await release.Task;
            await FunctionServer.ReplyAsync(c, 200, "{}");
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var harness = new RuntimeHarness(time: time);

        var running = harness.RunAsync(Function(server.Url, timeoutSeconds: 1));
        await Eventually.TrueAsync(() => !server.Requests.IsEmpty, "the request at the function");
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(running.IsCompleted, "the attempt was cut before its deadline");
        time.Advance(TimeSpan.FromMilliseconds(100));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();

        Assert.Equal("Task timed out after 1.00 seconds", result.Error!.ErrorMessage);
    }

    [Fact]
    public async Task Http_WhenTheResponseIsOverTheLimit_IsAFunctionError()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, new string('x', 5000), "text/plain"));
        using var harness = new RuntimeHarness(maxResponseBytes: 1000);

        var result = await harness.RunAsync(Function(server.Url));

        Assert.Equal(("Function.ResponseSizeTooLarge", "Response payload size exceeded maximum allowed payload size (1000 bytes)."), (result.Error!.ErrorType, result.Error.ErrorMessage));
    }

    [Fact]
    public async Task Http_WhenTheFunctionCrashesMidResponse_IsAFunctionError()
    {
        await using var server = new FunctionServer(async (c, _) =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentLength64 = 1000;
            await c.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("{\"partial\":"));
            await c.Response.OutputStream.FlushAsync();
            c.Response.Abort();
        });
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function(server.Url));

        Assert.Equal(AttemptOutcome.FunctionError, result.Outcome);
    }

    [Fact]
    public async Task Http_WhenNothingListens_IsAnHttpError()
    {
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function($"http://127.0.0.1:{Testing.FreePort.Next()}/fn"));

        Assert.Equal((AttemptOutcome.FunctionError, "HttpError"), (result.Outcome, result.Error!.ErrorType));
    }

    [Fact]
    public async Task CustomHandler_WhenInvoked_SpeaksTheAzureProtocol()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200,
            """{"Outputs":{"res":1},"Logs":["one","two"],"ReturnValue":{"upper":"HI"}}"""));
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function($"customhandler+{server.Url.TrimEnd('/')}"), Context("""{"text":"hi"}""", requestId: "req-7"));

        Assert.Equal("""{"upper":"HI"}""", Encoding.UTF8.GetString(result.Payload));
        var (_, path, body) = Assert.Single(server.Requests);
        Assert.Equal("/fn", path);
        using var envelope = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("hi", envelope.RootElement.GetProperty("Data").GetProperty("event").GetProperty("text").GetString());
        Assert.Equal("req-7", envelope.RootElement.GetProperty("Metadata").GetProperty("RequestId").GetString());
    }

    [Fact]
    public async Task CustomHandler_WhenThereIsNoReturnValue_ReturnsTheOutputs()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, """{"Outputs":{"res":{"body":"x"}},"Logs":[]}"""));
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function($"customhandler+{server.Url}"));

        Assert.Equal("""{"res":{"body":"x"}}""", Encoding.UTF8.GetString(result.Payload));
    }
}
