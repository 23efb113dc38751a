using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class InvocationLifecycleTests(ClusterFixture fixture)
{
    private IAsyncInvoker Invoker => fixture.Invoker;

    private InvocationEventLog Events => fixture.Events;

    [Fact]
    public async Task Accept_WhenFunctionSucceeds_StartsAtOnceAndRecordsSuccess()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"hello":"world"}"""));

        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.Success, completed.Condition);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.NotNull(status);
        Assert.Equal(InvocationPhase.Succeeded, status.Phase);
        Assert.Equal(1, status.AttemptCount);
        using var record = JsonDocument.Parse(status.Record!);
        var root = record.RootElement;
        Assert.Equal("1.0", root.GetProperty("version").GetString());
        Assert.Equal(id, root.GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{fn}:$LATEST", root.GetProperty("requestContext").GetProperty("functionArn").GetString());
        Assert.Equal("Success", root.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(1, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("world", root.GetProperty("requestPayload").GetProperty("hello").GetString());
        Assert.Equal("world", root.GetProperty("responsePayload").GetProperty("hello").GetString());
        Assert.Equal(200, root.GetProperty("responseContext").GetProperty("statusCode").GetInt32());
        Assert.False(root.GetProperty("responseContext").TryGetProperty("functionError", out _));
        Assert.Equal(fixture.Time.GetUtcNow(), status.ReceivedAt);
    }

    [Fact]
    public async Task Flaky_WhenItFailsTwice_RetriesAfter60Then120SecondsAndSucceedsWithOneRequestId()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":2}"""));

        var first = await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        Assert.Equal(TimeSpan.FromSeconds(60), first.DueAt - first.At);
        var waiting = await Invoker.GetInvocationAsync(id);
        Assert.Equal(InvocationPhase.WaitingForRetry, waiting!.Phase);
        Assert.Equal(first.DueAt, waiting.NextAttemptAt);

        fixture.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted && e.Attempt == 2);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 2);
        Assert.Equal(TimeSpan.FromSeconds(120), second.DueAt - second.At);

        fixture.Time.Advance(TimeSpan.FromSeconds(120));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.Success, completed.Condition);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal(3, status!.AttemptCount);
        Assert.Equal(["FunctionError", "FunctionError", "Success"], status.History.Select(h => h.Outcome));
        using var record = JsonDocument.Parse(status.Record!);
        Assert.Equal(3, record.RootElement.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal(id, record.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.All(Events.For(id), e => Assert.Equal(id, e.RequestId));
    }

    [Fact]
    public async Task Fail_WhenEveryAttemptFails_EndsRetriesExhaustedAfterThreeAttempts()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"message":"boom"}"""));

        await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 2);
        fixture.Time.Advance(TimeSpan.FromSeconds(120));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.RetriesExhausted, completed.Condition);
        Assert.Equal(3, completed.Attempt);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal(InvocationPhase.Failed, status!.Phase);
        Assert.Equal(new ErrorInfo("InvalidOperationException", "boom"), status.LastError);
        using var record = JsonDocument.Parse(status.Record!);
        var root = record.RootElement;
        Assert.Equal("RetriesExhausted", root.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(3, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("Unhandled", root.GetProperty("responseContext").GetProperty("functionError").GetString());
        Assert.Equal("boom", root.GetProperty("responsePayload").GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", root.GetProperty("responsePayload").GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Fail_WhenMaximumRetryAttemptsIsZero_EndsAfterOneAttempt()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var id = await Invoker.InvokeEventAsync(fn, []);

        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.RetriesExhausted, completed.Condition);
        Assert.Equal(1, completed.Attempt);
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.RetryScheduled);
    }

    [Fact]
    public async Task LookAhead_WhenMaximumEventAgeIs60_FailsAtOnceWithEventAgeExceeded()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 60 });
        var id = await Invoker.InvokeEventAsync(fn, []);

        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.EventAgeExceeded, completed.Condition);
        Assert.Equal(1, completed.Attempt);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal(status!.ReceivedAt, status.CompletedAt);
        using var record = JsonDocument.Parse(status.Record!);
        Assert.Equal(1, record.RootElement.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("EventAgeExceeded", record.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
    }

    [Fact]
    public async Task LookAhead_WhenMaximumEventAgeIs90_RetriesOnceThenEventAgeExceeded()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 90 });
        var id = await Invoker.InvokeEventAsync(fn, []);

        await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.EventAgeExceeded, completed.Condition);
        Assert.Equal(2, completed.Attempt);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal(TimeSpan.FromSeconds(60), status!.CompletedAt - status.ReceivedAt);
    }

    [Fact]
    public async Task Timeout_WhenFunctionRunsPastItsTimeout_IsAFunctionError()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(2));
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"ms":10000}"""));

        await Events.WaitAsync(id, InvocationEventKind.AttemptStarted, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.RetriesExhausted, completed.Condition);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal("Task timed out after 2.00 seconds", status!.LastError!.ErrorMessage);
        Assert.Equal(TimeSpan.FromSeconds(2), status.CompletedAt - status.ReceivedAt);
    }

    [Fact]
    public async Task ReservedConcurrency_WhenZero_SendsTheEventStraightToFailureWithoutAnAttempt()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo", reservedConcurrency: 0);
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("\"x\""));

        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.ZeroReservedConcurrency, completed.Condition);
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        var status = await Invoker.GetInvocationAsync(id);
        using var record = JsonDocument.Parse(status!.Record!);
        var root = record.RootElement;
        Assert.Equal(0, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.False(root.TryGetProperty("responseContext", out _));
        Assert.False(root.TryGetProperty("responsePayload", out _));
        Assert.Equal("x", root.GetProperty("requestPayload").GetString());
    }

    [Fact]
    public async Task Throttle_WhenReservedConcurrencyIsFull_BacksOffExponentiallyWithoutConsumingRetries()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30), reservedConcurrency: 1);
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var holder = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"ms":5000}"""));
        await Events.WaitAsync(holder, InvocationEventKind.AttemptStarted, attempt: 1);

        var waiting = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"ms":0}"""));
        var throttle1 = await Events.WaitAsync(waiting, InvocationEventKind.Throttled);
        Assert.Equal(TimeSpan.FromSeconds(1), throttle1.DueAt - throttle1.At);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var throttle2 = await WaitForThrottleAsync(waiting, 2);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle2.DueAt - throttle2.At);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var throttle3 = await WaitForThrottleAsync(waiting, 3);
        Assert.Equal(TimeSpan.FromSeconds(4), throttle3.DueAt - throttle3.At);

        var midway = await Invoker.GetInvocationAsync(waiting);
        Assert.Equal(InvocationPhase.Throttled, midway!.Phase);
        Assert.Equal(0, midway.AttemptCount);
        Assert.Equal(3, midway.ThrottleCount);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await Events.WaitAsync(holder, InvocationEventKind.Completed);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var completed = await Events.WaitAsync(waiting, InvocationEventKind.Completed);

        Assert.Equal(InvocationCondition.Success, completed.Condition);
        var status = await Invoker.GetInvocationAsync(waiting);
        Assert.Equal(1, status!.AttemptCount);
        Assert.Equal(3, status.ThrottleCount);
    }

    [Fact]
    public async Task Throttle_WhenEventOutlivesItsMaximumAge_EndsEventAgeExceededWithoutAttempts()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(900), reservedConcurrency: 1);
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 60 });
        var holder = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"ms":600000}"""));
        await Events.WaitAsync(holder, InvocationEventKind.AttemptStarted, attempt: 1);
        var waiting = await Invoker.InvokeEventAsync(fn, []);

        // Backoff 1+2+4+8+16 = 31 s; the next wait (32 s) would start after 60 s, so the event ends at 31 s.
        foreach (var (throttle, wait) in new[] { (1, 1), (2, 2), (3, 4), (4, 8), (5, 16) })
        {
            await WaitForThrottleAsync(waiting, throttle);
            fixture.Time.Advance(TimeSpan.FromSeconds(wait));
        }

        var completed = await Events.WaitAsync(waiting, InvocationEventKind.Completed);
        Assert.Equal(InvocationCondition.EventAgeExceeded, completed.Condition);
        Assert.Equal(0, completed.Attempt);
        var status = await Invoker.GetInvocationAsync(waiting);
        Assert.Equal(TimeSpan.FromSeconds(31), status!.CompletedAt - status.ReceivedAt);
        Assert.Equal(6, status.ThrottleCount);
        Assert.Equal(InvocationPhase.Running, (await Invoker.GetInvocationAsync(holder))!.Phase);
    }

    [Fact]
    public async Task ReservedConcurrency_WhenTheClusterHasTwoSilos_HoldsAcrossBoth()
    {
        Assert.Equal(2, fixture.Cluster.Silos.Count);
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30), reservedConcurrency: 2);
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"ms":10000}""")));
        }

        // Every invocation either started or was held back before the clock moves.
        foreach (var id in ids)
        {
            await Task.WhenAny(
                Events.WaitAsync(id, InvocationEventKind.AttemptStarted),
                Events.WaitAsync(id, InvocationEventKind.Throttled));
        }

        var started = ids.Count(id => Events.For(id).Any(e => e.Kind == InvocationEventKind.AttemptStarted));
        Assert.Equal(2, started);
        Assert.Equal(2, await fixture.Cluster.Client.GetGrain<Execution.IConcurrencyLimiterGrain>(fn).CountAsync());
    }

    [Fact]
    public async Task Accept_WhenSameRequestIdIsSentTwice_RunsOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = RequestIds.New();
        var request = new InvokeRequest { FunctionName = fn, Payload = Encoding.UTF8.GetBytes("1"), RequestId = id };

        await Invoker.InvokeAsync(request);
        await Events.WaitAsync(id, InvocationEventKind.Completed);
        var again = await Invoker.InvokeAsync(request);

        Assert.Equal(id, again.RequestId);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.Accepted);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
    }

    [Fact]
    public async Task Accept_WhenFunctionIsUnknown_FailsWithResourceNotFound()
    {
        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.InvokeEventAsync("no-such-function", []));

        Assert.Equal(ErrorCodes.ResourceNotFound, ex.ErrorCode);
        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function", ex.Message);
    }

    [Fact]
    public async Task Accept_WhenPayloadIsOverOneMegabyte_FailsWithRequestTooLarge()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.InvokeEventAsync(fn, new byte[(1024 * 1024) + 1]));

        Assert.Equal(ErrorCodes.RequestTooLarge, ex.ErrorCode);
    }

    [Fact]
    public async Task RequestResponse_WhenInvoked_ReturnsTheResponseOrTheFunctionError()
    {
        var ok = await Invoker.InvokeAsync(new InvokeRequest { FunctionName = "echo", Payload = Encoding.UTF8.GetBytes("""{"a":1}"""), InvocationType = InvocationType.RequestResponse });
        var failed = await Invoker.InvokeAsync(new InvokeRequest { FunctionName = await fixture.CreateFunctionAsync("dotnet:fail"), Payload = Encoding.UTF8.GetBytes("""{"message":"nope"}"""), InvocationType = InvocationType.RequestResponse });
        var dry = await Invoker.InvokeAsync(new InvokeRequest { FunctionName = "echo", InvocationType = InvocationType.DryRun });

        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(ok.Payload));
        Assert.Null(ok.FunctionError);
        Assert.Equal("Unhandled", failed.FunctionError);
        Assert.Equal("""{"errorMessage":"nope","errorType":"InvalidOperationException"}""", Encoding.UTF8.GetString(failed.Payload));
        Assert.Equal(204, dry.StatusCode);
    }

    private Task<InvocationEvent> WaitForThrottleAsync(string requestId, int throttleNumber) =>
        Events.WaitForNthAsync(requestId, InvocationEventKind.Throttled, throttleNumber);
}
