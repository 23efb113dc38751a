using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Storage;

namespace Orleans.AsyncInvoke.Tests.Storage;

/// <summary>The embedded profile's delivery store.</summary>
[Trait("Category", "Unit")]
public sealed class MemoryDeliveryStoreTests : DeliveryStoreConformance
{
    private readonly MemoryDeliveryTable _table = new();

    public MemoryDeliveryStoreTests() => Store = new MemoryDeliveryStore(_table);

    protected override IDeliveryStore Store { get; }

    [Fact]
    public async Task Drain_WhenTheBacklogIs100000_CostsTheSameEntryWritesPerRecordAsWithNone()
    {
        var destination = NewDestination();
        var backlog = Enumerable.Range(0, 100_000).Select(_ => NewDelivery(destination)).ToList();
        var small = await CostPerRecordAsync(destination);
        foreach (var chunk in backlog.Chunk(1000))
        {
            await Store.AppendAsync(chunk, Now.AddHours(1));
        }

        var large = await CostPerRecordAsync(destination);
        Assert.Equal(small, large);

        var drained = 0;
        while (await Store.ClaimDueAsync(Now.AddHours(2), Lease, 1000) is { Count: > 0 } claimed)
        {
            await Store.CompleteAsync(claimed, [], Now);
            drained += claimed.Count;
        }

        Assert.Equal(100_000, drained);
        Assert.Equal(0, _table.Count);
        Assert.Equal(new DeliveryCounters(0, 0, 0), await Store.GetCountersAsync(destination));
    }

    /// <summary>Entry writes to append, claim and complete 1,000 deliveries, per delivery.</summary>
    private async Task<double> CostPerRecordAsync(string destination)
    {
        var before = _table.Operations;
        var records = Enumerable.Range(0, 1000).Select(_ => NewDelivery(destination)).ToList();
        await Store.AppendAsync(records, Now);
        var claimed = await Store.ClaimDueAsync(Now, Lease, 1000);
        await Store.CompleteAsync(claimed, [], Now);
        Assert.Equal(1000, claimed.Count);
        return (_table.Operations - before) / 1000.0;
    }
}
