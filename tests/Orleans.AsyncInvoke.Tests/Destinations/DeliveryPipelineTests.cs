using System.Text;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>The delivery pipeline: bounded concurrency per destination, one identity per target, records in batches.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DeliveryPipelineTests(ClusterFixture fixture)
{
    private const int Concurrency = 64;

    private static DestinationMessage Message(int n) => new()
    {
        Id = $"{RequestIds.New()}:success",
        Body = $$"""{"n":{{n}}}""",
        RequestId = RequestIds.New(),
        Condition = InvocationCondition.Success,
    };

    private static Task UntilAsync(Func<bool> reached, string what) => Eventually.TrueAsync(reached, what, TimeSpan.FromSeconds(20));

    private static Task UntilAsync(Func<Task<bool>> reached, string what) => Eventually.TrueAsync(reached, what, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Deliver_WhenTheWebhookHoldsEveryRequest_KeepsAtMostTheConcurrencyLimitInFlight()
    {
        using var gate = new SemaphoreSlim(0);
        var (inFlight, maxInFlight, started, answered) = (0, 0, 0, 0);
        await using var server = new FunctionServer(async (context, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            Interlocked.Increment(ref started);
            int seen;
            while ((seen = Volatile.Read(ref maxInFlight)) < now && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
            {
            }

            await gate.WaitAsync();
            Interlocked.Decrement(ref inFlight);
            await FunctionServer.ReplyAsync(context, 200, "{}");
            Interlocked.Increment(ref answered);
        });
        var destination = fixture.Cluster.Client.GetGrain<IDestinationGrain>($"{server.Url}held");
        const int count = Concurrency + 36;

        foreach (var n in Enumerable.Range(0, count))
        {
            await destination.EnqueueAsync(Message(n));
        }

        await UntilAsync(() => Volatile.Read(ref started) >= Concurrency, $"{Concurrency} requests in flight");
        gate.Release();
        await UntilAsync(() => Volatile.Read(ref started) >= Concurrency + 1, "the next request after one answer");
        Assert.Equal(Concurrency, Volatile.Read(ref maxInFlight));

        gate.Release(count);
        await UntilAsync(() => Volatile.Read(ref answered) == count, "every request answered");
        Assert.Equal(Concurrency, maxInFlight);
        await UntilAsync(async () => (await destination.GetStatusAsync()).Pending == 0, "the deliveries acknowledged");
        Assert.Equal(count, server.Requests.Count);
    }

    [Fact]
    public async Task Status_WhenReadByAnySpellingOfOneTarget_IsTheSameDestination()
    {
        var name = $"absent-{Guid.NewGuid():N}";
        var arn = fixture.Cluster.Client.GetGrain<IDestinationGrain>($"arn:aws:lambda:us-east-1:000000000000:function:{name}");

        // The function does not exist: the delivery is refused for good and parks.
        await arn.EnqueueAsync(Message(1));
        var byArn = await Eventually.ReachAsync(arn.GetStatusAsync, s => s.ParkedCount == 1, "the delivery parked");
        var byUri = await fixture.Cluster.Client.GetGrain<IDestinationGrain>($"function://{name}").GetStatusAsync();
        var byLatest = await fixture.Invoker.GetDestinationStatusAsync($"function://{name}:$LATEST");

        Assert.Equal($"function://{name}", byArn.Destination);
        Assert.Equal((1L, $"function://{name}"), (byUri.ParkedCount, byUri.Destination));
        Assert.Equal((1L, $"function://{name}"), (byLatest.ParkedCount, byLatest.Destination));

        await fixture.Invoker.PutFunctionAsync(name, new FunctionDefinitionInput { Target = "dotnet:echo" });
        Assert.Equal(1, await fixture.Invoker.RedriveDestinationAsync($"function://{name}:$LATEST"));
        await UntilAsync(async () => (await fixture.Invoker.GetDestinationStatusAsync($"function://{name}")) is { Pending: 0, ParkedCount: 0 }, "the redriven delivery");
    }

    [Fact]
    public async Task Invocations_WhenTheDestinationIsAQueue_DeliverEveryRecordOnce()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var queue = $"q-{Guid.NewGuid():N}";
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = $"arn:aws:sqs:us-east-1:000000000000:{queue}", HasDestinationConfig = true });

        var ids = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes($$"""{"n":{{i}}}"""))));

        var received = new List<string>();
        // 500 records read ten at a time: a minute of patience for a machine that is busy with other work.
        await Eventually.TrueAsync(async () =>
        {
            var messages = await fixture.Invoker.ReceiveMessagesAsync(queue, max: 10);
            received.AddRange(messages.Select(m => m.Body));
            await Task.WhenAll(messages.Select(m => fixture.Invoker.DeleteMessageAsync(queue, m.ReceiptHandle)));
            return received.Count >= ids.Length;
        }, "every record on the queue", TimeSpan.FromSeconds(60));
        Assert.Equal(ids.Order(), received.Select(b => System.Text.Json.JsonDocument.Parse(b).RootElement.GetProperty("requestContext").GetProperty("requestId").GetString()!).Order());
        var status = await fixture.Invoker.GetDestinationStatusAsync($"queue://{queue}");
        Assert.Equal((0, 0L, 0L), (status.Pending, status.ParkedCount, status.DeliveryFailures));
    }

    [Fact]
    public async Task Activation_WhenTheDestinationWasStoredByAnEarlierVersion_MovesItsDeliveriesIntoTheStore()
    {
        var queue = $"q-{Guid.NewGuid():N}";
        var spelling = $"arn:aws:sqs:us-east-1:000000000000:{queue}";
        var services = fixture.Cluster.Silos[0].SiloHost.Services;
        var storage = services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(StorageNames.Invocations);
        var pending = Message(1);
        var parked = Message(2);
        await storage.WriteStateAsync("destination", GrainId.Create("asyncinvoke-destination", spelling), new GrainState<DestinationState>(new DestinationState
        {
            Pending = [new PendingDelivery { Message = pending, FirstAttemptAt = fixture.Time.GetUtcNow(), NextAttemptAt = fixture.Time.GetUtcNow() }],
            Parked = [new PendingDelivery { Message = parked, FirstAttemptAt = fixture.Time.GetUtcNow(), Attempts = 4, LastError = "down" }],
        }));

        var status = await fixture.Cluster.Client.GetGrain<IDestinationGrain>(spelling).GetStatusAsync();

        var kept = Assert.Single(status.Parked);
        Assert.Equal((parked.Body, 4, "down"), (kept.Message.Body, kept.Attempts, kept.LastError));
        var received = new List<string>();
        await UntilAsync(async () =>
        {
            foreach (var message in await fixture.Invoker.ReceiveMessagesAsync(queue, max: 10))
            {
                received.Add(message.Body);
            }

            return received.Count > 0;
        }, "the pending delivery on its queue");
        Assert.Equal([pending.Body], received);
        var reloaded = new GrainState<DestinationState>(new DestinationState());
        await storage.ReadStateAsync("destination", GrainId.Create("asyncinvoke-destination", spelling), reloaded);
        Assert.True(reloaded.State is null || (reloaded.State.Pending.Count == 0 && reloaded.State.Parked.Count == 0), "the old state was cleared");
    }
}
