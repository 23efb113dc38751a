using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>Invocations ending in records on their destinations, and raw events on dead-letter queues.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DestinationEndToEndTests(ClusterFixture fixture)
{
    private static string Queue() => $"q-{Guid.NewGuid():N}";

    private async Task<QueueMessage> ReceiveOneAsync(string queue) =>
        (await Eventually.ReachAsync(async () => (await fixture.Invoker.ReceiveMessagesAsync(queue)).SingleOrDefault(), m => m is not null, $"a message on queue {queue}"))!;

    [Fact]
    public async Task Flaky_WhenOnSuccessIsAQueue_DeliversASuccessRecordCountingTheAttempts()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:flaky");
        var queue = Queue();
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"arn:aws:sqs:us-east-1:000000000000:{queue}", HasDestinationConfig = true });
        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"failTimes":1}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.RetryScheduled, attempt: 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));

        var message = await ReceiveOneAsync(queue);

        using var record = JsonDocument.Parse(message.Body);
        var context = record.RootElement.GetProperty("requestContext");
        Assert.Equal((id, "Success", 2), (context.GetProperty("requestId").GetString(), context.GetProperty("condition").GetString(), context.GetProperty("approximateInvokeCount").GetInt32()));
    }

    [Fact]
    public async Task Fail_WhenOnFailureAndDeadLetterQueuesAreSet_DeliversTheRecordAndTheRawEvent()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        var (failures, dlq) = (Queue(), Queue());
        await fixture.Invoker.UpdateFunctionAsync(fn, new FunctionDefinitionInput { DeadLetterTarget = $"queue://{dlq}" });
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { MaximumRetryAttempts = 0, OnFailure = $"queue://{failures}", HasDestinationConfig = true });
        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"message":"broken on purpose"}"""));

        var record = await ReceiveOneAsync(failures);
        var raw = await ReceiveOneAsync(dlq);

        using var json = JsonDocument.Parse(record.Body);
        Assert.Equal("RetriesExhausted", json.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal("""{"message":"broken on purpose"}""", raw.Body);
        Assert.Equal(id, raw.Attributes["RequestID"]);
        Assert.Equal("200", raw.Attributes["ErrorCode"]);
        Assert.Equal("broken on purpose", raw.Attributes["ErrorMessage"]);
    }

    [Fact]
    public async Task Record_WhenEventAgeExceededOrZeroReservedConcurrency_GoesToTheFailureDestination()
    {
        var (aged, zero) = (Queue(), Queue());
        var failing = await fixture.CreateFunctionAsync("dotnet:fail");
        await fixture.Invoker.PutEventInvokeConfigAsync(failing, new EventInvokeConfigInput { MaximumEventAgeInSeconds = 60, OnFailure = $"queue://{aged}", HasDestinationConfig = true });
        var closed = await fixture.CreateFunctionAsync("dotnet:echo", reservedConcurrency: 0);
        await fixture.Invoker.PutEventInvokeConfigAsync(closed, new EventInvokeConfigInput { OnFailure = $"queue://{zero}", HasDestinationConfig = true });

        await fixture.Invoker.InvokeEventAsync(failing, []);
        await fixture.Invoker.InvokeEventAsync(closed, Encoding.UTF8.GetBytes("{}"));

        using var agedRecord = JsonDocument.Parse((await ReceiveOneAsync(aged)).Body);
        using var zeroRecord = JsonDocument.Parse((await ReceiveOneAsync(zero)).Body);
        Assert.Equal("EventAgeExceeded", agedRecord.RootElement.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(("ZeroReservedConcurrency", 0), (zeroRecord.RootElement.GetProperty("requestContext").GetProperty("condition").GetString(), zeroRecord.RootElement.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32()));
    }

    [Fact]
    public async Task Webhook_WhenTheInvocationSucceeds_ReceivesTheRecordWithRequestIdAndConditionHeaders()
    {
        await using var receiver = new CallbackReceiver();
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = receiver.Url, HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"w":1}"""));
        var received = await receiver.NextAsync();

        Assert.Equal((id, "Success"), (received.Headers["X-Request-Id"], received.Headers["X-Invocation-Condition"]));
        Assert.StartsWith("application/json", received.Headers["Content-Type"], StringComparison.Ordinal);
        using var record = JsonDocument.Parse(received.Body);
        Assert.Equal(1, record.RootElement.GetProperty("responsePayload").GetProperty("w").GetInt32());
    }

    [Fact]
    public async Task FunctionDestination_WhenTheFirstFunctionSucceeds_InvokesTheSecondWithTheRecord()
    {
        var second = await fixture.CreateFunctionAsync("dotnet:echo");
        var first = await fixture.CreateFunctionAsync("dotnet:echo");
        await fixture.Invoker.PutEventInvokeConfigAsync(first, new EventInvokeConfigInput { OnSuccess = $"function://{second}", HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(first, Encoding.UTF8.GetBytes("""{"chain":1}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        var downstream = await Eventually.ObserveAsync(
            () => fixture.Events.All().FirstOrDefault(e => e.FunctionName == second && e.Kind == InvocationEventKind.Completed),
            e => e is not null, $"the completion of {second}");
        Assert.NotNull(downstream);
        var status = await fixture.Invoker.GetInvocationAsync(downstream.RequestId);
        using var record = JsonDocument.Parse(status!.Record!);
        var payload = record.RootElement.GetProperty("requestPayload");
        Assert.Equal((id, 1), (payload.GetProperty("requestContext").GetProperty("requestId").GetString(), payload.GetProperty("responsePayload").GetProperty("chain").GetInt32()));
    }

    [Fact]
    public async Task Queue_WhenTheFormatIsFunctionGraph_ReceivesTheSnakeCaseRecord()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var queue = Queue();
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"queue://{queue}?format=functiongraph", HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"fg":true}"""));
        var message = await ReceiveOneAsync(queue);

        using var record = JsonDocument.Parse(message.Body);
        Assert.Equal((id, "Success"), (record.RootElement.GetProperty("request_context").GetProperty("request_id").GetString(), record.RootElement.GetProperty("request_context").GetProperty("condition").GetString()));
        Assert.True(record.RootElement.GetProperty("response_payload").GetProperty("fg").GetBoolean());
    }
}
