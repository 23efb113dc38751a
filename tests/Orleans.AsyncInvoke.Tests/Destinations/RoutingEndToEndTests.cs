using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Tests.Destinations;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RoutingEndToEndTests(ClusterFixture fixture)
{
    private async Task<IReadOnlyList<QueueMessage>> DrainAsync(string queue, int expected)
    {
        var all = new List<QueueMessage>();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var message in await fixture.Invoker.ReceiveMessagesAsync(queue, max: 10))
            {
                all.Add(message);
                await fixture.Invoker.DeleteMessageAsync(queue, message.ReceiptHandle);
            }

            return all.Count >= expected;
        }, $"{expected} message(s) on {queue}");
        return all;
    }

    [Fact]
    public async Task Topic_WhenTwoQueuesSubscribe_FansTheRecordOutToBoth()
    {
        var topic = $"t-{Guid.NewGuid():N}";
        var (a, b) = ($"qa-{Guid.NewGuid():N}", $"qb-{Guid.NewGuid():N}");
        await fixture.Invoker.SubscribeAsync(topic, $"queue://{a}");
        await fixture.Invoker.SubscribeAsync(topic, $"arn:aws:sqs:us-east-1:000000000000:{b}");
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"arn:aws:sns:us-east-1:000000000000:{topic}", HasDestinationConfig = true });

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"fan":"out"}"""));

        foreach (var queue in new[] { a, b })
        {
            var message = Assert.Single(await DrainAsync(queue, 1));
            using var record = JsonDocument.Parse(message.Body);
            Assert.Equal(id, record.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString());
        }

        Assert.Equal([$"queue://{a}", $"arn:aws:sqs:us-east-1:000000000000:{b}"], await fixture.Invoker.ListSubscriptionsAsync(topic));
    }

    [Fact]
    public async Task EventBus_WhenThePayloadNestsAsDeepAsInvokeAccepts_StillRoutesTheRecord()
    {
        var bus = $"bus-{Guid.NewGuid():N}";
        var queue = $"deep-{Guid.NewGuid():N}";
        await fixture.Invoker.PutEventRuleAsync(bus, new EventRule { Name = "all", EventPattern = """{"source":["lambda"]}""", Targets = [$"queue://{queue}"] });
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"eventbus://{bus}", HasDestinationConfig = true });
        var payload = new string('[', 64) + new string(']', 64);

        var id = await fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes(payload));

        var message = Assert.Single(await DrainAsync(queue, 1));
        using var envelope = JsonDocument.Parse(message.Body, new JsonDocumentOptions { MaxDepth = 128 });
        Assert.Equal(id, envelope.RootElement.GetProperty("detail").GetProperty("requestContext").GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task EventBus_WhenARuleMatchesFailures_RoutesOnlyFailures()
    {
        var bus = $"bus-{Guid.NewGuid():N}";
        var failures = $"failures-{Guid.NewGuid():N}";
        await fixture.Invoker.PutEventRuleAsync(bus, new EventRule
        {
            Name = "failures-only",
            EventPattern = """{"source":["lambda"],"detail-type":[{"prefix":"Lambda Function Invocation Result - Failure"}]}""",
            Targets = [$"queue://{failures}"],
        });
        var ok = await fixture.CreateFunctionAsync("dotnet:echo");
        var bad = await fixture.CreateFunctionAsync("dotnet:fail");
        foreach (var fn in new[] { ok, bad })
        {
            await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput
            {
                MaximumRetryAttempts = 0,
                OnSuccess = $"eventbus://{bus}",
                OnFailure = $"arn:aws:events:us-east-1:000000000000:event-bus/{bus}",
                HasDestinationConfig = true,
            });
        }

        var succeeded = await fixture.Invoker.InvokeEventAsync(ok, []);
        var failed = await fixture.Invoker.InvokeEventAsync(bad, []);
        await fixture.Events.WaitAsync(succeeded, Invocations.InvocationEventKind.Completed);
        var routed = await DrainAsync(failures, 1);

        var envelope = JsonDocument.Parse(Assert.Single(routed).Body).RootElement;
        Assert.Equal(("lambda", "Lambda Function Invocation Result - Failure"), (envelope.GetProperty("source").GetString(), envelope.GetProperty("detail-type").GetString()));
        Assert.Equal(failed, envelope.GetProperty("detail").GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal([$"arn:aws:events:us-east-1:000000000000:event-bus/{bus}", $"arn:aws:lambda:us-east-1:000000000000:function:{bad}:$LATEST"],
            envelope.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));

        // Once the bus has handled the success record too, still nothing more reached the failures queue.
        await Eventually.ReachAsync(() => fixture.Invoker.GetDestinationStatusAsync($"eventbus://{bus}"), s => s.Pending == 0, "the bus's deliveries");

        Assert.Equal(0, (await fixture.Invoker.GetDestinationStatusAsync($"eventbus://{bus}")).Pending);
        Assert.Empty(await fixture.Invoker.ReceiveMessagesAsync(failures, max: 10));
    }
}
