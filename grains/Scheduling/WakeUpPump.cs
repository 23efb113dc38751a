using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Scheduling;

/// <summary>
/// Wakes the invocations whose time has come. Every silo runs one: it claims due wake-ups from the store's index
/// (a claim pushes each one a lease ahead, so silos never share one and a wake-up lost with a silo returns) and calls
/// <see cref="IInvocationGrain.WakeAsync"/>, which does only what is due. This is the durable clock of every
/// invocation that is not active; an active one also keeps a precise grain timer.
/// </summary>
public sealed partial class WakeUpPump(
    IInvocationStore store,
    IGrainFactory grains,
    PlatformClock clock,
    IOptions<AsyncInvokeOptions> options,
    ILocalSiloDetails silo,
    ILogger<WakeUpPump> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const int ClaimSize = 1000;
    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _inFlight = new(options.Value.WakeUpConcurrency);
    private Task? _loop;
    private IDisposable? _gauges;

    /// <summary>Unfinished invocations in the store, as last counted.</summary>
    public long Pending { get; private set; }

    /// <summary>How far behind its earliest due wake-up the index was when last looked at (zero when on time).</summary>
    public TimeSpan Lag { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WakeUpPump), ServiceLifecycleStage.Active, Start, StopAsync);

    private Task Start(CancellationToken cancellationToken)
    {
        _gauges = AsyncInvokeInstruments.ObserveScheduler(silo.SiloAddress.ToString(), () => Pending, () => Lag.TotalMilliseconds);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        _gauges?.Dispose();
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var nextCount = clock.UtcNow;
        while (!stopping.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                if (clock.UtcNow >= nextCount)
                {
                    await CountAsync();
                    nextCount = clock.UtcNow + _options.WakeUpInterval * 10;
                }

                claimed = await PumpOnceAsync(stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is unreachable (Redis restarting, say): nothing is lost, the wake-ups wait in the index.
                LogPumpFailed(logger, ex);
            }

            if (claimed < ClaimSize)
            {
                try
                {
                    await Task.Delay(_options.WakeUpInterval, clock.Time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims what is due now and wakes it; returns how many were claimed.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken = default)
    {
        var due = await store.ClaimDueAsync(clock.UtcNow, _options.ReminderPeriod, ClaimSize);
        foreach (var requestId in due)
        {
            await _inFlight.WaitAsync(cancellationToken);
            _ = WakeAsync(requestId);
        }

        return due.Count;
    }

    private async Task WakeAsync(string requestId)
    {
        try
        {
            await grains.GetGrain<IInvocationGrain>(requestId).WakeAsync();
        }
        catch (Exception ex)
        {
            // The claim already moved this wake-up a lease ahead: it comes back then.
            LogWakeFailed(logger, ex, requestId);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task CountAsync()
    {
        var backlog = await store.GetBacklogAsync();
        Pending = backlog.Pending;
        var behind = backlog.EarliestWakeAt is { } earliest ? clock.UtcNow - earliest : TimeSpan.Zero;
        Lag = behind > TimeSpan.Zero ? behind : TimeSpan.Zero;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _inFlight.Dispose();
    }

    [LoggerMessage(EventId = LogEvents.WakeUpPumpFailed, Level = LogLevel.Warning, Message = "Claiming due wake-ups failed; trying again shortly")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.WakeFailed, Level = LogLevel.Debug, Message = "Waking {RequestId} failed; it is woken again after the lease")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string requestId);
}
