using System.Text;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>Deliveries that must end: a failure loop the guard stopped, and refusals no retry can change.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DeliveryFailureTests(ClusterFixture fixture)
{
    private IReadOnlyList<InvocationEvent> Completions(params string[] functions) =>
        [.. fixture.Events.All().Where(e => e.Kind == InvocationEventKind.Completed && functions.Contains(e.FunctionName))];

    [Fact]
    public async Task FailureLoop_WhenTheGuardStopsIt_HandsOverOneRecordAndStartsNothingAfterIt()
    {
        var (a, b) = (await fixture.CreateFunctionAsync("dotnet:fail"), await fixture.CreateFunctionAsync("dotnet:fail"));
        var dlq = $"loop-dlq-{Guid.NewGuid():N}";
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            await fixture.Invoker.UpdateFunctionAsync(from, new FunctionDefinitionInput { DeadLetterTarget = $"queue://{dlq}" });
            await fixture.Invoker.PutEventInvokeConfigAsync(from, new EventInvokeConfigInput { MaximumRetryAttempts = 0, OnFailure = $"function://{to}", HasDestinationConfig = true });
        }

        await fixture.Invoker.InvokeEventAsync(a, "{}"u8.ToArray());

        // Depths 0 to 16 run and fail, depth 17 is stopped; its record reaches the next function's destination and ends there.
        await Eventually.ObserveAsync(() => Completions(a, b), c => c.Count >= 18, "18 completions", TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () =>
            (await fixture.Invoker.GetDestinationStatusAsync($"function://{a}")).Pending == 0
            && (await fixture.Invoker.GetDestinationStatusAsync($"function://{b}")).Pending == 0
            && (await fixture.Invoker.GetDestinationStatusAsync($"queue://{dlq}")).Pending == 0, "every hand-over delivered");

        var completions = Completions(a, b);
        Assert.Equal(18, completions.Count);
        var statuses = await Task.WhenAll(completions.Select(c => fixture.Invoker.GetInvocationAsync(c.RequestId)));
        var stopped = Assert.Single(statuses, s => s!.LastError?.ErrorType == HandOffBuilder.RecursiveInvocation);
        Assert.Equal(InvocationCondition.RetriesExhausted, stopped!.Condition);
        var deadLetters = 0;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var message in await fixture.Invoker.ReceiveMessagesAsync(dlq, max: 10))
            {
                deadLetters++;
                await fixture.Invoker.DeleteMessageAsync(dlq, message.ReceiptHandle);
            }

            return deadLetters >= 18;
        }, "18 dead letters");
        Assert.Equal(18, deadLetters);
    }

    [Fact]
    public async Task FunctionDestination_WhenTheRecordIsOverTheAcceptLimit_ParksAtOnceWithTheReason()
    {
        // Records bound their payloads, so one over the next function's 1 MB accept limit comes from elsewhere (a
        // topic or bus message handed on): it can never be accepted, so it parks at its first attempt.
        var sink = await fixture.CreateFunctionAsync("dotnet:echo");
        var destination = fixture.Cluster.Client.GetGrain<IDestinationGrain>($"function://{sink}");
        await destination.EnqueueAsync(new DestinationMessage
        {
            Id = $"{RequestIds.New()}:success",
            Body = $$"""{"filler":"{{new string('x', 1100 * 1024)}}"}""",
            RequestId = RequestIds.New(),
            Condition = InvocationCondition.Success,
        });

        var status = await Eventually.ReachAsync(() => fixture.Invoker.GetDestinationStatusAsync($"function://{sink}"), s => s.ParkedCount == 1, "the delivery parked");
        var parked = Assert.Single(status.Parked);
        Assert.Equal((0, 1, 1L), (status.Pending, parked.Attempts, status.DeliveryFailures));
        Assert.StartsWith(ErrorCodes.RequestTooLarge, parked.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionDestination_WhenTheFunctionIsGone_ParksAtOnceUntilARedriveAfterItIsBack()
    {
        var name = $"gone-{Guid.NewGuid():N}";
        var destination = fixture.Cluster.Client.GetGrain<IDestinationGrain>($"function://{name}");
        await destination.EnqueueAsync(new DestinationMessage
        {
            Id = $"{RequestIds.New()}:success",
            Body = """{"redriven":true}""",
            RequestId = RequestIds.New(),
            Condition = InvocationCondition.Success,
        });

        var parked = await Eventually.ReachAsync(destination.GetStatusAsync, s => s.ParkedCount == 1, "the delivery parked");
        Assert.Equal((0, 1), (parked.Pending, parked.Parked[0].Attempts));
        Assert.StartsWith(ErrorCodes.ResourceNotFound, parked.Parked[0].LastError, StringComparison.Ordinal);

        await fixture.Invoker.PutFunctionAsync(name, new FunctionDefinitionInput { Target = "dotnet:echo" });
        Assert.Equal(1, await destination.RedriveAsync());

        var accepted = await Eventually.ObserveAsync(
            () => fixture.Events.All().FirstOrDefault(e => e.FunctionName == name && e.Kind == InvocationEventKind.Completed),
            e => e is not null, $"an invocation of {name}");
        Assert.Equal(InvocationCondition.Success, accepted!.Condition);
        var after = await Eventually.ReachAsync(destination.GetStatusAsync, s => s.Pending == 0, "the redriven delivery done");
        Assert.Equal(0, after.ParkedCount);
    }
}
