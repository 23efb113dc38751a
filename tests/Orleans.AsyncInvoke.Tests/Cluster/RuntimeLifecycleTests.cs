using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>HTTP and process functions end to end: real servers, real processes, retries on the fake clock.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RuntimeLifecycleTests(ClusterFixture fixture)
{
    [Fact]
    public async Task HttpFunction_WhenItFailsTwice_SucceedsOnTheThirdAttemptWithXAttempt3()
    {
        await using var server = new FunctionServer((c, body) =>
            c.Request.Headers["X-Attempt"] == "3"
                ? FunctionServer.ReplyAsync(c, 200, body)
                : FunctionServer.ReplyAsync(c, 500, $$"""{"errorType":"NotYet","errorMessage":"attempt {{c.Request.Headers["X-Attempt"]}}"}"""));
        var fn = await fixture.CreateFunctionAsync(server.Url);
        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"order":7}"""));

        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 2);
        fixture.Time.Advance(TimeSpan.FromSeconds(120));
        var completed = await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((InvocationCondition.Success, 3), (completed.Condition, completed.Attempt));
        Assert.Equal(["1", "2", "3"], server.Requests.Select(r => r.Headers["X-Attempt"]));
        Assert.All(server.Requests, r => Assert.Equal(id, r.Headers["X-Request-Id"]));
        var status = await fixture.Invoker.GetInvocationAsync(id);
        Assert.Equal(["attempt 1", "attempt 2"], status!.History.Take(2).Select(h => h.Error!.ErrorMessage));
        using var record = JsonDocument.Parse(status.Record!);
        Assert.Equal(7, record.RootElement.GetProperty("responsePayload").GetProperty("order").GetInt32());
    }

    [Fact]
    public async Task HttpFunction_WhenTheAnswerIs429_BacksOffAsAThrottleWithoutConsumingRetries()
    {
        var calls = 0;
        await using var server = new FunctionServer((c, body) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers["Retry-After"] = "30";
                return FunctionServer.ReplyAsync(c, 429, "busy", "text/plain");
            }

            return FunctionServer.ReplyAsync(c, 200, body);
        });
        var fn = await fixture.CreateFunctionAsync(server.Url);
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("{}"));

        var throttled = await fixture.Events.WaitAsync(id, InvocationEventKind.Throttled);
        Assert.Equal(TimeSpan.FromSeconds(30), throttled.DueAt - throttled.At);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var completed = await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((InvocationCondition.Success, 1), (completed.Condition, completed.Attempt));
        Assert.Equal(1, (await fixture.Invoker.GetInvocationAsync(id))!.ThrottleCount);
    }

    [Fact]
    public async Task HttpFunction_WhenReservedConcurrencyIsOne_HoldsTheSecondEventUntilTheFirstEnds()
    {
        var release = new TaskCompletionSource();
        await using var server = new FunctionServer(async (c, body) =>
        {
            if (body.Contains("hold", StringComparison.Ordinal))
            {
                await release.Task;
            }

            await FunctionServer.ReplyAsync(c, 200, body);
        });
        var fn = await fixture.CreateFunctionAsync(server.Url, timeout: TimeSpan.FromSeconds(60), reservedConcurrency: 1);
        var first = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"hold":true}"""));
        await fixture.Events.WaitAsync(first, InvocationEventKind.AttemptStarted);

        var second = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"quick":true}"""));
        await fixture.Events.WaitAsync(second, InvocationEventKind.Throttled);
        release.SetResult();
        await fixture.Events.WaitAsync(first, InvocationEventKind.Completed);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var completed = await fixture.Events.WaitAsync(second, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.Success, completed.Condition);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ProcessFunction_WhenRetried_SeesTheSameRequestIdAndAttempt2()
    {
        var log = Path.Combine(Directory.CreateTempSubdirectory("asyncinvoke-retry-").FullName, "seen");
        var script = $$"""exec:sh -c 'echo "$ASYNCINVOKE_REQUEST_ID $ASYNCINVOKE_ATTEMPT" >> {{log}}; [ "$ASYNCINVOKE_ATTEMPT" -ge 2 ] && cat || { echo "attempt $ASYNCINVOKE_ATTEMPT refused" >&2; exit 1; }'""";
        var fn = await fixture.CreateFunctionAsync(script);
        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"p":1}"""));

        var retry = await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        Assert.Equal("attempt 1 refused", (await fixture.Invoker.GetInvocationAsync(id))!.LastError!.ErrorMessage);
        fixture.Time.Advance(retry.DueAt!.Value - retry.At);
        var completed = await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((InvocationCondition.Success, 2), (completed.Condition, completed.Attempt));
        Assert.Equal([$"{id} 1", $"{id} 2"], await File.ReadAllLinesAsync(log));
    }

    [Fact]
    public async Task Samples_WhenInvokedThroughTheCluster_RunAsDocumented()
    {
        var samples = Path.Combine(RepositoryRoot(), "samples");
        var httpPort = FreePort.Next();
        var handlerPort = FreePort.Next();
        using var http = new RunningSample(StartNode(Path.Combine(samples, "node-http-function", "server.js"), ("PORT", httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var handler = new RunningSample(StartNode(Path.Combine(samples, "custom-handler", "handler.js"), ("FUNCTIONS_CUSTOMHANDLER_PORT", handlerPort.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await WaitForLineAsync(http.Process, "listening");
        await WaitForLineAsync(handler.Process, "listening");

        var greeter = await fixture.CreateFunctionAsync($"http://127.0.0.1:{httpPort}/");
        var upper = await fixture.CreateFunctionAsync($"customhandler+http://127.0.0.1:{handlerPort}");
        var process = await fixture.CreateFunctionAsync($"exec:node {Path.Combine(samples, "process-function", "upper.js")}");
        var shell = await fixture.CreateFunctionAsync($"exec:{Path.Combine(samples, "process-function", "upper.sh")}");

        var invoke = (string fn, string payload) => fixture.Invoker.InvokeAsync(new Client.InvokeRequest
        {
            FunctionName = fn, Payload = Encoding.UTF8.GetBytes(payload), InvocationType = Client.InvocationType.RequestResponse,
        });
        Assert.Contains("\"greeting\":\"hello ada\"", Encoding.UTF8.GetString((await invoke(greeter, """{"name":"ada"}""")).Payload), StringComparison.Ordinal);
        Assert.Equal($$"""{"upper":"HI","function":"{{upper}}"}""", Encoding.UTF8.GetString((await invoke(upper, """{"text":"hi"}""")).Payload));
        Assert.Equal("""{"upper":"NODE","attempt":1}""", Encoding.UTF8.GetString((await invoke(process, """{"text":"node"}""")).Payload));
        Assert.Equal("SHOUT", Encoding.UTF8.GetString((await invoke(shell, "shout")).Payload));
        var failed = await invoke(process, """{"fail":true}""");
        Assert.Equal("Unhandled", failed.FunctionError);
        Assert.Contains("fail was set", Encoding.UTF8.GetString(failed.Payload), StringComparison.Ordinal);
    }

    /// <summary>A sample server that is stopped when the test ends (disposing a <see cref="Process"/> leaves it running).</summary>
    private sealed class RunningSample(Process process) : IDisposable
    {
        public Process Process => process;

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    private static Process StartNode(string script, (string Key, string Value) variable)
    {
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[variable.Key] = variable.Value;
        return Process.Start(start)!;
    }

    private static async Task WaitForLineAsync(Process process, string fragment)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) is { } line)
        {
            if (line.Contains(fragment, StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The sample exited before printing '{fragment}': {await process.StandardError.ReadToEndAsync()}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.AsyncInvoke.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Orleans.AsyncInvoke.sln not found.");
    }
}
