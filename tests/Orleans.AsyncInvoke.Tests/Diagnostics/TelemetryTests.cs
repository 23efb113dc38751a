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
    public async Task RetriedInvocation_AcceptAttemptsAndDelivery_ShareOneTraceAndMoveTheCounters()
    {
        using var telemetry = new TelemetryRecorder();
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var queue = $"traced-{Guid.NewGuid():N}";
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"queue://{queue}", HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":1}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (telemetry.SpansOf(id).Count < 4 && guard.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(10);
        }

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
    public async Task FailedAndThrottledInvocations_CountDroppedEventsAndThrottles()
    {
        using var telemetry = new TelemetryRecorder();
        var fn = await fixture.CreateFunctionAsync("dotnet:echo", reservedConcurrency: 0);

        var id = await fixture.Invoker.InvokeEventAsync(fn, []);
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        Assert.Equal((1, 0), (telemetry.Total("AsyncEventsDropped", fn), telemetry.Total("Invocations", fn)));
    }
}
