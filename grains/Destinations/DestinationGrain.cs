using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Delivers, in order, what was handed to one destination. Stored before it is acknowledged; retried with
/// backoff (1 s doubling to 5 min) while the target fails, for <see cref="AsyncInvokeOptions.DeliveryRetryWindow"/>;
/// then parked for redrive. The reminder is the durable backstop, the timer the clock.
/// </summary>
[GrainType("asyncinvoke-destination")]
public sealed partial class DestinationGrain(
    [PersistentState("destination", StorageNames.Invocations)] IPersistentState<DestinationState> state,
    IEnumerable<IDestinationAdapter> adapters,
    RetryPolicy retries,
    PlatformClock clock,
    IOptions<AsyncInvokeOptions> options,
    ILogger<DestinationGrain> logger) : Grain, IDestinationGrain, IRemindable
{
    private const string WakeUpReminder = "deliver";
    private const int DeliveredMemory = 10_000;
    private readonly WakeUpTimer _timer = new();
    private DestinationAddress? _address;

    private DestinationAddress Address => _address ??= DestinationAddress.TryParse(this.GetPrimaryKeyString())
        ?? throw ErrorCodes.InvalidParameter($"The destination ARN {this.GetPrimaryKeyString()} is invalid.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Pending.Count > 0)
        {
            _timer.Schedule(this, DeliverDueAsync, state.State.Pending[0].NextAttemptAt - clock.UtcNow);
        }

        return Task.CompletedTask;
    }

    public async Task EnqueueAsync(DestinationMessage message)
    {
        _ = Address;
        var s = state.State;
        if (s.Delivered.Contains(message.Id) || s.Pending.Exists(p => p.Message.Id == message.Id) || s.Parked.Exists(p => p.Message.Id == message.Id))
        {
            return;
        }

        if (s.Pending.Count == 0)
        {
            await this.RegisterOrUpdateReminder(WakeUpReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        }

        var now = clock.UtcNow;
        s.Pending.Add(new PendingDelivery { Message = message, FirstAttemptAt = now, NextAttemptAt = now });
        await state.WriteStateAsync();
        if (s.Pending.Count == 1)
        {
            _timer.Schedule(this, DeliverDueAsync, TimeSpan.Zero);
        }
    }

    public Task<DestinationStatus> GetStatusAsync() => Task.FromResult(new DestinationStatus
    {
        Pending = state.State.Pending.Count,
        Parked = [.. state.State.Parked.Select(p => new ParkedDelivery(p.Message, p.Attempts, p.LastError))],
        DeliveryFailures = state.State.DeliveryFailures,
    });

    public async Task<int> RedriveAsync()
    {
        var parked = state.State.Parked;
        if (parked.Count == 0)
        {
            return 0;
        }

        var now = clock.UtcNow;
        foreach (var delivery in parked)
        {
            delivery.Attempts = 0;
            delivery.FirstAttemptAt = now;
            delivery.NextAttemptAt = now;
        }

        var count = parked.Count;
        var wasIdle = state.State.Pending.Count == 0;
        state.State.Pending.AddRange(parked);
        state.State.Parked = [];
        if (wasIdle)
        {
            await this.RegisterOrUpdateReminder(WakeUpReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        }

        await state.WriteStateAsync();
        _timer.Schedule(this, DeliverDueAsync, TimeSpan.Zero);
        return count;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => DeliverDueAsync();

    private async Task DeliverDueAsync()
    {
        try
        {
            await DeliverDueCoreAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed state write leaves memory ahead of storage: reload on the next wake-up (the reminder stays).
            LogWakeUpFailed(logger, ex, this.GetPrimaryKeyString());
            DeactivateOnIdle();
        }
    }

    private async Task DeliverDueCoreAsync()
    {
        var s = state.State;
        while (s.Pending.Count > 0)
        {
            var head = s.Pending[0];
            var now = clock.UtcNow;
            if (head.NextAttemptAt > now)
            {
                _timer.Schedule(this, DeliverDueAsync, head.NextAttemptAt - now);
                return;
            }

            using var span = AsyncInvokeInstruments.StartSpan("deliver", head.Message.TraceParent, System.Diagnostics.ActivityKind.Producer);
            span?.SetTag("asyncinvoke.destination", this.GetPrimaryKeyString());
            span?.SetTag("faas.invocation_id", head.Message.RequestId);
            try
            {
                var adapter = adapters.FirstOrDefault(a => a.Kind == Address.Kind)
                    ?? throw new NotSupportedException($"No adapter delivers to {Address.Kind} destinations in this runtime.");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var message = RecordFormats.WantsFunctionGraph(this.GetPrimaryKeyString()) && !head.Message.Id.EndsWith(":dlq", StringComparison.Ordinal)
                    ? head.Message with { Body = RecordFormats.ToFunctionGraph(head.Message.Body) }
                    : head.Message;
                await adapter.DeliverAsync(Address, message, timeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
                head.Attempts++;
                head.LastError = ex.Message;
                s.DeliveryFailures++;
                var tag = new KeyValuePair<string, object?>("destination", this.GetPrimaryKeyString());
                AsyncInvokeInstruments.DestinationDeliveryFailures.Add(1, tag);
                if (head.Message.Id.EndsWith(":dlq", StringComparison.Ordinal))
                {
                    AsyncInvokeInstruments.DeadLetterErrors.Add(1, tag);
                }

                var verdict = retries.AfterThrottle(head.Attempts, null, head.FirstAttemptAt, options.Value.DeliveryRetryWindow);
                if (verdict.DueAt is { } due)
                {
                    head.NextAttemptAt = due;
                    LogRetrying(logger, this.GetPrimaryKeyString(), head.Message.Id, head.Attempts, ex.Message, due);
                }
                else
                {
                    s.Pending.RemoveAt(0);
                    s.Parked.Add(head);
                    LogParked(logger, this.GetPrimaryKeyString(), head.Message.Id, head.Attempts, ex.Message);
                }

                _timer.Schedule(this, DeliverDueAsync, (s.Pending.Count > 0 ? s.Pending[0].NextAttemptAt : clock.UtcNow) - clock.UtcNow);
                await state.WriteStateAsync();
                return;
            }

            s.Pending.RemoveAt(0);
            s.Delivered.Add(head.Message.Id);
            if (s.Delivered.Count > DeliveredMemory)
            {
                s.Delivered.RemoveAt(0);
            }

            await state.WriteStateAsync();
        }

        if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Delivery wake-up of {Destination} failed; the activation reloads its stored state on the next wake-up")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception, string destination);

    [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Delivery of {MessageId} to {Destination} failed (attempt {Attempts}: {Error}); retry due at {DueAt:O}")]
    private static partial void LogRetrying(ILogger logger, string destination, string messageId, int attempts, string error, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Error, Message = "Delivery of {MessageId} to {Destination} parked after {Attempts} attempts; last error: {Error}")]
    private static partial void LogParked(ILogger logger, string destination, string messageId, int attempts, string error);
}
