using System.Text.Json;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>Cancel, retry, pause and resume, delayed starts and per-event settings, through the client SDK on the fake clock.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class InvocationControlTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Backstop = TimeSpan.FromMinutes(1);

    private IAsyncInvoker Invoker => fixture.Invoker;

    private InvocationEventLog Events => fixture.Events;

    [Fact]
    public async Task Cancel_WhenPendingForADelayedStart_EndsCancelledAndNeverRuns()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAfter = TimeSpan.FromMinutes(10) })).RequestId;

        var status = await Invoker.CancelInvocationAsync(id);

        Assert.Equal(InvocationPhase.Cancelled, status.Phase);
        Assert.Equal(InvocationCondition.Cancelled, status.Condition);
        Assert.Equal(0, status.AttemptCount);
        using (var record = JsonDocument.Parse(status.Record!))
        {
            Assert.Equal("Cancelled", record.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        fixture.Time.Advance(Backstop);
        Assert.Equal(InvocationPhase.Cancelled, (await Invoker.GetInvocationAsync(id))!.Phase);
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.Completed);
    }

    [Fact]
    public async Task Cancel_WhenWaitingForARetry_EndsCancelledAndNoRetryStarts()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        var id = await Invoker.InvokeEventAsync(fn, []);
        await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);

        var status = await Invoker.CancelInvocationAsync(id);

        Assert.Equal((InvocationPhase.Cancelled, 1), (status.Phase, status.AttemptCount));
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        fixture.Time.Advance(Backstop);
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted && e.Attempt == 2);
        var after = await Invoker.GetInvocationAsync(id);
        Assert.Equal((InvocationPhase.Cancelled, InvocationCondition.Cancelled, 1), (after!.Phase, after.Condition, after.AttemptCount));
    }

    [Fact]
    public async Task Cancel_WhileAnAttemptRuns_EndsCancelledOnceWhenItReturnsAndDiscardsItsResult()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(60));
        var id = await Invoker.InvokeEventAsync(fn, """{"ms":10000}"""u8.ToArray());
        await Events.WaitAsync(id, InvocationEventKind.AttemptStarted, attempt: 1);

        var asked = await Invoker.CancelInvocationAsync(id);

        Assert.Equal(InvocationPhase.Running, asked.Phase);
        Assert.True(asked.CancelRequested);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);
        Assert.Equal(InvocationCondition.Cancelled, completed.Condition);
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal((InvocationPhase.Cancelled, 1), (status!.Phase, status.AttemptCount));
        Assert.Equal(["Success"], status.History.Select(h => h.Outcome));
        fixture.Time.Advance(Backstop);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.Completed);
        Assert.Single(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
    }

    [Fact]
    public async Task Cancel_WhenFinalOrUnknown_IsRefusedWithInvalidStateOrNotFound()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = await Invoker.InvokeEventAsync(fn, "{}"u8.ToArray());
        await Events.WaitAsync(id, InvocationEventKind.Completed);

        var final = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CancelInvocationAsync(id));
        var unknown = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CancelInvocationAsync($"none-{Guid.NewGuid():N}"));

        Assert.Equal(ErrorCodes.InvalidState, final.ErrorCode);
        Assert.Contains("Success", final.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.ResourceNotFound, unknown.ErrorCode);
        Assert.Equal(InvocationPhase.Succeeded, (await Invoker.GetInvocationAsync(id))!.Phase);
    }

    [Fact]
    public async Task Cancel_WithNotify_SendsTheCancelledRecordToOnFailureAndWithoutItSendsNothing()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var queue = $"cancelled-{Guid.NewGuid():N}";
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnFailure = $"queue://{queue}" });
        var quiet = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAfter = TimeSpan.FromHours(1) })).RequestId;
        var loud = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAfter = TimeSpan.FromHours(1) })).RequestId;

        await Invoker.CancelInvocationAsync(quiet);
        await Invoker.CancelInvocationAsync(loud, notify: true);

        var messages = await Invoker.ReceiveMessagesAsync(queue, max: 10, wait: TimeSpan.FromSeconds(10));
        var message = Assert.Single(messages);
        using var record = JsonDocument.Parse(message.Body);
        Assert.Equal(loud, record.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal("Cancelled", record.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Empty(await Invoker.ReceiveMessagesAsync(queue, max: 10));
    }

    [Fact]
    public async Task Retry_WhenFailed_RunsAgainUnderTheSameIdWithAFreshBudgetAndSucceeds()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = """{"failTimes":1}"""u8.ToArray(), MaximumRetryAttempts = 0 })).RequestId;
        Assert.Equal(InvocationCondition.RetriesExhausted, (await Events.WaitAsync(id, InvocationEventKind.Completed)).Condition);

        var redriven = await Invoker.RetryInvocationAsync(id);

        Assert.Equal(InvocationPhase.Pending, redriven.Phase);
        Assert.Null(redriven.Condition);
        Assert.Equal(fixture.Time.GetUtcNow(), redriven.RedrivenAt);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var completed = await Events.WaitForNthAsync(id, InvocationEventKind.Completed, 2);
        Assert.Equal((InvocationCondition.Success, 2), (completed.Condition, completed.Attempt));
        var status = await Invoker.GetInvocationAsync(id);
        Assert.Equal((InvocationPhase.Succeeded, 2), (status!.Phase, status.AttemptCount));
        Assert.Equal(["FunctionError", "Redriven", "Success"], status.History.Select(h => h.Outcome));
        using var record = JsonDocument.Parse(status.Record!);
        Assert.Equal(2, record.RootElement.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
    }

    [Fact]
    public async Task Retry_WhenRetriesWereExhausted_GrantsTheWholeRetryPolicyAgain()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = [], MaximumRetryAttempts = 1 })).RequestId;
        await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await Events.WaitAsync(id, InvocationEventKind.Completed);

        await Invoker.RetryInvocationAsync(id);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var retry = await Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 3);

        Assert.Equal(TimeSpan.FromSeconds(60), retry.DueAt - retry.At);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        var completed = await Events.WaitForNthAsync(id, InvocationEventKind.Completed, 2);
        Assert.Equal((InvocationCondition.RetriesExhausted, 4), (completed.Condition, completed.Attempt));
    }

    [Fact]
    public async Task Retry_WhenPendingOrSucceeded_IsRefusedWithInvalidState()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var pending = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAfter = TimeSpan.FromHours(1) })).RequestId;
        var done = await Invoker.InvokeEventAsync(fn, "{}"u8.ToArray());
        await Events.WaitAsync(done, InvocationEventKind.Completed);

        var onPending = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.RetryInvocationAsync(pending));
        var onSucceeded = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.RetryInvocationAsync(done));

        Assert.Equal((ErrorCodes.InvalidState, ErrorCodes.InvalidState), (onPending.ErrorCode, onSucceeded.ErrorCode));
        Assert.Contains("Pending", onPending.Message, StringComparison.Ordinal);
        Assert.Contains("Succeeded", onSucceeded.Message, StringComparison.Ordinal);
        await Invoker.CancelInvocationAsync(pending);
    }

    [Fact]
    public async Task Pause_HoldsDueInvocationsWhileAcceptsGoOn_AndResumeRunsThemAtOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        Assert.True(await Invoker.SetAsyncPausedAsync(fn, true));
        Assert.True(await Invoker.GetAsyncPausedAsync(fn));

        var id = await Invoker.InvokeEventAsync(fn, "{}"u8.ToArray());
        Assert.Equal(InvocationPhase.Paused, (await Invoker.GetInvocationAsync(id))!.Phase);
        fixture.Time.Advance(Backstop);
        await Events.WaitAsync(id, InvocationEventKind.Held);
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        Assert.Equal(InvocationPhase.Paused, (await Invoker.GetInvocationAsync(id))!.Phase);

        // The resume itself wakes what was held: no clock has to move for it to run.
        Assert.False(await Invoker.SetAsyncPausedAsync(fn, false));
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((InvocationCondition.Success, 1), (completed.Condition, completed.Attempt));
    }

    [Fact]
    public async Task Delay_StartsNoEarlierThanAskedAndThenRuns()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var at = fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(5);
        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAt = at })).RequestId;

        var pending = await Invoker.GetInvocationAsync(id);
        Assert.Equal((InvocationPhase.Pending, at), (pending!.Phase, pending.NextAttemptAt));
        fixture.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.AttemptStarted);
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var started = await Events.WaitAsync(id, InvocationEventKind.AttemptStarted);

        Assert.True(started.At >= at, $"Expected the attempt at or after {at:O}, it started at {started.At:O}.");
        await Events.WaitAsync(id, InvocationEventKind.Completed);
    }

    [Fact]
    public async Task Overrides_WhenMaximumRetryAttemptsIsZero_EndAfterOneAttemptThoughTheConfigSaysTwo()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 2 });

        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = [], MaximumRetryAttempts = 0 })).RequestId;
        var completed = await Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((InvocationCondition.RetriesExhausted, 1), (completed.Condition, completed.Attempt));
        Assert.DoesNotContain(Events.For(id), e => e.Kind == InvocationEventKind.RetryScheduled);
    }

    [Fact]
    public async Task Overrides_WhenOutOfRangeOrTheStartIsPast_AreRefusedWithTheConfigsMessages()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var retries = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, MaximumRetryAttempts = 3 }));
        var age = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, MaximumEventAgeInSeconds = 59 }));
        var self = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, OnSuccess = $"function://{fn}" }));
        var past = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, InvokeAt = fixture.Time.GetUtcNow() - TimeSpan.FromSeconds(1) }));

        Assert.Equal("1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2", retries.Message);
        Assert.Equal("1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60", age.Message);
        Assert.Equal((ErrorCodes.InvalidParameterValue, "You can't specify the function as a destination for itself."), (self.ErrorCode, self.Message));
        Assert.Equal(ErrorCodes.InvalidParameterValue, past.ErrorCode);
        Assert.Contains("in the past", past.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overrides_OnSuccessOfOneEvent_ReceivesItsRecord()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var queue = $"own-{Guid.NewGuid():N}";

        var id = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), OnSuccess = $"queue://{queue}" })).RequestId;

        var message = Assert.Single(await Invoker.ReceiveMessagesAsync(queue, max: 10, wait: TimeSpan.FromSeconds(10)));
        using var record = JsonDocument.Parse(message.Body);
        Assert.Equal(id, record.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task List_ThroughTheClient_PagesNewestFirstAndFiltersByPhase()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var delayed = (await Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = "{}"u8.ToArray(), InvokeAfter = TimeSpan.FromHours(2) })).RequestId;
        fixture.Time.Advance(TimeSpan.FromMilliseconds(5));
        var done = await Invoker.InvokeEventAsync(fn, "{}"u8.ToArray());
        await Events.WaitAsync(done, InvocationEventKind.Completed);

        var first = await Invoker.ListInvocationsAsync(new InvocationQuery { FunctionName = fn, Limit = 1 });
        var second = await Invoker.ListInvocationsAsync(new InvocationQuery { FunctionName = fn, Limit = 1, Next = first.Next });
        var pending = await Invoker.ListInvocationsAsync(new InvocationQuery { FunctionName = fn, Phase = InvocationPhase.Pending });

        Assert.Equal([done, delayed], first.Items.Concat(second.Items).Select(i => i.RequestId));
        Assert.Equal([delayed], pending.Items.Select(i => i.RequestId));
        Assert.Null(pending.Next);
        await Invoker.CancelInvocationAsync(delayed);
        var cancelled = await Invoker.ListInvocationsAsync(new InvocationQuery { FunctionName = fn, Phase = InvocationPhase.Cancelled });
        Assert.Equal([delayed], cancelled.Items.Select(i => i.RequestId));
    }
}
