using System.Text;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Diagnostics;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TelemetryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Invocation_WhenRetriedAndDelivered_SharesOneTraceAndMovesTheCounters()
    {
        using var telemetry = new TelemetryRecorder();
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var queue = $"traced-{Guid.NewGuid():N}";
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"queue://{queue}", HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":1}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        await Eventually.TrueAsync(() => telemetry.SpansOf(id).Count >= 4, "four spans");

        var spans = telemetry.SpansOf(id);
        Assert.Equal(["accept", "attempt", "attempt", "deliver"], spans.Select(s => s.OperationName));
        Assert.Single(spans.Select(s => s.TraceId).Distinct());
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, spans[1].Status);
        Assert.Equal((1, 2, 1, 0), (telemetry.Total("AsyncEventsReceived", fn), telemetry.Total("Invocations", fn), telemetry.Total("Errors", fn), telemetry.Total("AsyncEventsDropped", fn)));
        Assert.Equal(2, telemetry.Total("Duration", fn));
        Assert.Equal(2, telemetry.Total("AsyncEventAge", fn));
        Assert.Equal(1, telemetry.Total("RetryLateness", fn));
    }

    [Fact]
    public async Task Invocation_WhenReservedConcurrencyIsZero_CountsADroppedEventAndNoAttempt()
    {
        using var telemetry = new TelemetryRecorder();
        var fn = await fixture.CreateFunctionAsync("dotnet:echo", reservedConcurrency: 0);

        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((1, 0), (telemetry.Total("AsyncEventsDropped", fn), telemetry.Total("Invocations", fn)));
    }

    [Fact]
    public async Task Invocation_WhenReservedConcurrencyIsInUse_CountsAThrottleAndRunsAfterTheBackoff()
    {
        using var telemetry = new TelemetryRecorder();
        // A timeout well past every clock step below, so that no step cuts an attempt short.
        var fn = await fixture.CreateFunctionAsync("dotnet:sleep", timeout: TimeSpan.FromSeconds(30), reservedConcurrency: 1);
        var first = await fixture.Invoker.InvokeEventAsync(fn, """{"ms":1000}"""u8.ToArray());
        await fixture.Events.WaitAsync(first, InvocationEventKind.AttemptStarted);

        var second = await fixture.Invoker.InvokeEventAsync(fn, """{"ms":1000}"""u8.ToArray());
        await fixture.Events.WaitAsync(second, InvocationEventKind.Throttled);
        Assert.Equal((1, 1), (telemetry.Total("Throttles", fn), telemetry.Total("Invocations", fn)));

        // The first ends after its second of sleep, which frees the slot; the held-back one, due at the same moment,
        // either starts or is turned away once more with a longer backoff. Whichever it was, once it has happened
        // five more seconds cover the backoff.
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await fixture.Events.WaitAsync(first, InvocationEventKind.Completed);
        await Eventually.ObserveAsync(() => fixture.Events.For(second), e =>
            e.Any(x => x.Kind == InvocationEventKind.AttemptStarted) || e.Count(x => x.Kind == InvocationEventKind.Throttled) >= 2,
            "the held-back invocation to be started or held back again");
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await fixture.Events.WaitAsync(second, InvocationEventKind.AttemptStarted);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await fixture.Events.WaitAsync(second, InvocationEventKind.Completed);
        Assert.Equal((0, 2), (telemetry.Total("AsyncEventsDropped", fn), telemetry.Total("Invocations", fn)));
    }
}
