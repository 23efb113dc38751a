using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Tests.Storage;

/// <summary>What every delivery store must do; one subclass per store.</summary>
public abstract class DeliveryStoreConformance
{
    protected static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(70);

    /// <summary>A store with nothing in it that the other tests of the class can see.</summary>
    protected abstract IDeliveryStore Store { get; }

    protected static string NewDestination() => $"queue://q-{Guid.NewGuid():N}";

    protected static Delivery NewDelivery(string destination, string? body = null) => Delivery.To(destination, new DestinationMessage
    {
        Id = $"{RequestIds.New()}:success",
        Body = body ?? """{"record":true}""",
        RequestId = RequestIds.New(),
        Condition = InvocationCondition.Success,
        Attributes = new Dictionary<string, string> { ["RequestID"] = "r" },
    }, Now)!;

    [Fact]
    public async Task Append_WhenTheSameDeliveryArrivesTwice_StoresItOnce()
    {
        var destination = NewDestination();
        var delivery = NewDelivery(destination);

        Assert.Equal(1, await Store.AppendAsync([delivery], Now));
        Assert.Equal(0, await Store.AppendAsync([delivery], Now));

        Assert.Equal(new DeliveryCounters(1, 0, 0), await Store.GetCountersAsync(destination));
    }

    [Fact]
    public async Task ClaimDue_WhenADeliveryIsDue_TakesItOnceAndAgainAfterTheLease()
    {
        var destination = NewDestination();
        var due = NewDelivery(destination, """{"due":true}""");
        var later = NewDelivery(destination, """{"later":true}""");
        await Store.AppendAsync([due], Now.AddYears(10));
        await Store.AppendAsync([later], Now.AddYears(10).AddMinutes(5));

        var claimed = await Store.ClaimDueAsync(Now.AddYears(10), Lease, 100);
        var again = await Store.ClaimDueAsync(Now.AddYears(10), Lease, 100);
        var afterLease = await Store.ClaimDueAsync(Now.AddYears(10) + Lease, Lease, 100);

        var taken = Assert.Single(claimed);
        Assert.Equal((due.Id, due.Destination, due.FirstAttemptAt, due.Message.Body, due.Message.RequestId), (taken.Id, taken.Destination, taken.FirstAttemptAt, taken.Message.Body, taken.Message.RequestId));
        Assert.Empty(again);
        Assert.Equal(due.Id, Assert.Single(afterLease).Id);
        Assert.Equal(due.Message.Attributes, claimed[0].Message.Attributes);
    }

    [Fact]
    public async Task Complete_WhenGivenFollowUps_RemovesTheDeliveredAndStoresTheFollowUpsInTheSameStep()
    {
        var topic = $"topic://t-{Guid.NewGuid():N}";
        var subscriber = NewDestination();
        var delivery = NewDelivery(topic);
        await Store.AppendAsync([delivery], Now);
        var followUp = Delivery.To(subscriber, delivery.Message with { Id = delivery.Message.Id + "@topic/t" }, Now)!;

        Assert.Equal(1, await Store.CompleteAsync([delivery], [followUp], Now.AddYears(20)));
        Assert.Equal(0, await Store.CompleteAsync([delivery], [followUp], Now.AddYears(20)));

        Assert.Equal(new DeliveryCounters(0, 0, 0), await Store.GetCountersAsync(topic));
        Assert.Equal(new DeliveryCounters(1, 0, 0), await Store.GetCountersAsync(subscriber));
        Assert.Equal(followUp.Id, Assert.Single(await Store.ClaimDueAsync(Now.AddYears(20), Lease, 100)).Id);
    }

    [Fact]
    public async Task RetryAt_WhenADeliveryFails_CountsTheFailureAndMovesTheDueTime()
    {
        var destination = NewDestination();
        var delivery = NewDelivery(destination);
        var at = Now.AddYears(30);
        await Store.AppendAsync([delivery], at);

        await Store.RetryAtAsync(delivery with { Attempts = 1, LastError = "down" }, at.AddSeconds(1));

        Assert.Empty(await Store.ClaimDueAsync(at, Lease, 100));
        var retried = Assert.Single(await Store.ClaimDueAsync(at.AddSeconds(1), Lease, 100));
        Assert.Equal((1, "down"), (retried.Attempts, retried.LastError));
        Assert.Equal(new DeliveryCounters(1, 0, 1), await Store.GetCountersAsync(destination));
    }

    [Fact]
    public async Task Park_WhenDeliveriesAreParked_KeepsThemOutOfTheDueIndexAndListedPageByPageUntilARedrive()
    {
        var destination = NewDestination();
        var at = Now.AddYears(40);
        var deliveries = Enumerable.Range(0, 5).Select(i => NewDelivery(destination, $$"""{"n":{{i}}}""")).ToList();
        await Store.AppendAsync(deliveries, at);
        for (var i = 0; i < deliveries.Count; i++)
        {
            await Store.ParkAsync(deliveries[i] with { Attempts = 4, LastError = "gone" }, at.AddSeconds(i));
        }

        Assert.Empty(await Store.ClaimDueAsync(at.AddDays(1), Lease, 100));
        Assert.Equal(new DeliveryCounters(0, 5, 5), await Store.GetCountersAsync(destination));
        var pages = new[] { await Store.ListParkedAsync(destination, 0, 2), await Store.ListParkedAsync(destination, 2, 2), await Store.ListParkedAsync(destination, 4, 2) };
        Assert.Equal([2, 2, 1], pages.Select(p => p.Count));
        Assert.Equal(deliveries.Select(d => d.Message.Body), pages.SelectMany(p => p).Select(d => d.Message.Body));
        Assert.All(pages.SelectMany(p => p), d => Assert.Equal((4, "gone"), (d.Attempts, d.LastError)));

        Assert.Equal(3, await Store.RedriveAsync(destination, at.AddDays(2), 3));
        Assert.Equal(new DeliveryCounters(3, 2, 5), await Store.GetCountersAsync(destination));
        var redriven = await Store.ClaimDueAsync(at.AddDays(2), Lease, 100);
        Assert.Equal(deliveries.Take(3).Select(d => d.Id).Order(), redriven.Select(d => d.Id).Order());
        Assert.All(redriven, d => Assert.Equal((0, at.AddDays(2)), (d.Attempts, d.FirstAttemptAt)));
    }

    [Fact]
    public async Task Complete_WhenTheDeliveryIsParked_LeavesItParked()
    {
        var destination = NewDestination();
        var delivery = NewDelivery(destination);
        await Store.AppendAsync([delivery], Now);
        await Store.ParkAsync(delivery with { Attempts = 1 }, Now);

        await Store.CompleteAsync([delivery], [], Now);

        Assert.Equal(new DeliveryCounters(0, 1, 1), await Store.GetCountersAsync(destination));
        Assert.Single(await Store.ListParkedAsync(destination, 0, 10));
    }
}
