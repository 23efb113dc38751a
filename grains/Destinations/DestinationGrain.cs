using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// The face of one destination (key: any spelling of it; every spelling answers for the same canonical target):
/// its counters, its parked deliveries page by page, redrive, and enqueueing by hand. The deliveries themselves live
/// in the <see cref="IDeliveryStore"/> and are delivered by every silo's <see cref="DeliveryPump"/>. State stored by
/// earlier versions (one blob per destination, woken by a reminder) is moved into the store on activation.
/// </summary>
[GrainType("asyncinvoke-destination")]
public sealed partial class DestinationGrain(
    [PersistentState("destination", StorageNames.Invocations)] IPersistentState<DestinationState> legacy,
    IDeliveryStore store,
    DeliveryPump pump,
    PlatformClock clock,
    ILogger<DestinationGrain> logger) : Grain, IDestinationGrain, IRemindable
{
    private const string LegacyReminder = "deliver";
    private const int StatusPageSize = 100;
    private const int RedriveStep = 1000;
    private string? _key;

    private string Key => _key ??= DestinationAddress.KeyOf(this.GetPrimaryKeyString())
        ?? throw ErrorCodes.InvalidParameter($"The destination ARN {this.GetPrimaryKeyString()} is invalid.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (DestinationAddress.KeyOf(this.GetPrimaryKeyString()) is not null
            && legacy.RecordExists && (legacy.State.Pending.Count > 0 || legacy.State.Parked.Count > 0))
        {
            await MigrateAsync();
        }
    }

    public async Task EnqueueAsync(DestinationMessage message)
    {
        var delivery = Delivery.To(this.GetPrimaryKeyString(), message, clock.UtcNow)
            ?? throw ErrorCodes.InvalidParameter($"The destination ARN {this.GetPrimaryKeyString()} is invalid.");
        var handOver = pump.Reserve(1);
        if (await store.AppendAsync([delivery], handOver.DueAt) == 1)
        {
            if (handOver.Local)
            {
                pump.Submit([delivery]);
            }
            else
            {
                pump.Nudge();
            }
        }
    }

    public async Task<DestinationStatus> GetStatusAsync()
    {
        var counters = await store.GetCountersAsync(Key);
        return new DestinationStatus
        {
            Destination = Key,
            Pending = (int)Math.Min(int.MaxValue, counters.Pending),
            ParkedCount = counters.Parked,
            Parked = counters.Parked == 0 ? [] : await ListParkedAsync(0, StatusPageSize),
            DeliveryFailures = counters.DeliveryFailures,
        };
    }

    public async Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(int offset, int limit)
    {
        if (offset < 0 || limit is < 1 or > 1000)
        {
            throw ErrorCodes.InvalidParameter("offset must not be negative and limit must be 1-1000.");
        }

        var page = await store.ListParkedAsync(Key, offset, limit);
        return [.. page.Select(d => new ParkedDelivery(d.Message, d.Attempts, d.LastError))];
    }

    public async Task<int> RedriveAsync()
    {
        var total = 0;
        int moved;
        do
        {
            moved = await store.RedriveAsync(Key, clock.UtcNow, RedriveStep);
            total += moved;
        }
        while (moved == RedriveStep);

        if (total > 0)
        {
            pump.Nudge();
        }

        return total;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == LegacyReminder && await this.GetReminder(LegacyReminder) is { } reminder)
        {
            // Activation has moved whatever the old state held; the old wake-up has nothing left to do.
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task MigrateAsync()
    {
        var now = clock.UtcNow;
        var spelling = this.GetPrimaryKeyString();
        Delivery Of(PendingDelivery p) => (Delivery.To(spelling, p.Message, p.FirstAttemptAt) ?? throw new InvalidOperationException(spelling)) with
        {
            Attempts = p.Attempts,
            LastError = p.LastError,
        };

        var pending = legacy.State.Pending.Select(Of).ToList();
        var parked = legacy.State.Parked.Select(Of).ToList();
        await store.AppendAsync([.. pending, .. parked], now);
        foreach (var delivery in parked)
        {
            await store.ParkAsync(delivery, now);
        }

        await legacy.ClearStateAsync();
        pump.Nudge();
        LogMigrated(logger, DestinationAddress.Redact(spelling), pending.Count, parked.Count);
    }

    [LoggerMessage(EventId = LogEvents.DeliveriesMigrated, Level = LogLevel.Information, Message = "Moved the stored deliveries of {Destination} into the delivery store: {Pending} pending, {Parked} parked")]
    private static partial void LogMigrated(ILogger logger, string destination, int pending, int parked);
}
