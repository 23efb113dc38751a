using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Diagnostics;

/// <summary>
/// Counts this silo's invocation events per function and reports them to <see cref="IActivityStatsGrain"/> every
/// <see cref="ReportInterval"/>. Counting is a dictionary lookup and an interlocked add on the grain's thread; a report
/// that fails (the stats grain moving, a silo starting) is added to the next one, so nothing counted is dropped.
/// </summary>
public sealed partial class ActivityTracker(
    IGrainFactory grains,
    WakeUpPump pump,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<ActivityTracker> logger) : IInvocationObserver, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How often a silo reports.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Counters> _functions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void OnEvent(InvocationEvent invocationEvent)
    {
        var c = _functions.GetOrAdd(invocationEvent.FunctionName, static _ => new Counters());
        switch (invocationEvent.Kind)
        {
            case InvocationEventKind.Accepted:
                Interlocked.Increment(ref c.Received);
                break;
            case InvocationEventKind.AttemptStarted:
                Interlocked.Increment(ref c.Started);
                Interlocked.Increment(ref c.InFlight);
                break;
            case InvocationEventKind.AttemptEnded:
                Interlocked.Decrement(ref c.InFlight);
                break;
            case InvocationEventKind.RetryScheduled:
                Interlocked.Increment(ref c.Retried);
                break;
            case InvocationEventKind.Throttled:
                Interlocked.Increment(ref c.Throttled);
                break;
            case InvocationEventKind.Completed:
                switch (invocationEvent.Condition)
                {
                    case InvocationCondition.Success:
                        Interlocked.Increment(ref c.Succeeded);
                        break;
                    case InvocationCondition.RetriesExhausted:
                        Interlocked.Increment(ref c.Failed);
                        break;
                    case InvocationCondition.Cancelled:
                        Interlocked.Increment(ref c.Cancelled);
                        break;
                    default:
                        Interlocked.Increment(ref c.Dropped);
                        break;
                }

                break;
        }
    }

    /// <summary>The counts since the last call (and the running attempts now), emptied as they are taken.</summary>
    public ActivityReport Take()
    {
        var functions = new List<FunctionActivity>();
        foreach (var (name, c) in _functions)
        {
            var activity = new FunctionActivity
            {
                FunctionName = name,
                Received = Interlocked.Exchange(ref c.Received, 0),
                Started = Interlocked.Exchange(ref c.Started, 0),
                Succeeded = Interlocked.Exchange(ref c.Succeeded, 0),
                Failed = Interlocked.Exchange(ref c.Failed, 0),
                Dropped = Interlocked.Exchange(ref c.Dropped, 0),
                Cancelled = Interlocked.Exchange(ref c.Cancelled, 0),
                Retried = Interlocked.Exchange(ref c.Retried, 0),
                Throttled = Interlocked.Exchange(ref c.Throttled, 0),
                InFlight = Math.Max(0, Interlocked.Read(ref c.InFlight)),
            };
            if (activity is { Received: 0, Started: 0, Succeeded: 0, Failed: 0, Dropped: 0, Cancelled: 0, Retried: 0, Throttled: 0, InFlight: 0 })
            {
                continue;
            }

            functions.Add(activity);
        }

        return new ActivityReport
        {
            Silo = silo.SiloAddress.ToString(),
            At = time.GetUtcNow(),
            Pending = pump.Pending,
            WakeUpLagMs = pump.Lag.TotalMilliseconds,
            Functions = functions,
        };
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ActivityTracker), ServiceLifecycleStage.Active, Start, StopAsync);

    private Task Start(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var stats = grains.GetGrain<IActivityStatsGrain>(0);
        using var timer = new PeriodicTimer(ReportInterval, time);
        ActivityReport? unsent = null;
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false) is true)
        {
            var report = Merge(unsent, Take());
            try
            {
                await stats.ReportAsync(report).WaitAsync(stopping);
                unsent = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                unsent = report;
                LogReportFailed(logger, ex.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A report that could not be sent, added to the next.</summary>
    private static ActivityReport Merge(ActivityReport? unsent, ActivityReport next)
    {
        if (unsent is null)
        {
            return next;
        }

        var byName = unsent.Functions.ToDictionary(f => f.FunctionName, StringComparer.Ordinal);
        foreach (var f in next.Functions)
        {
            byName[f.FunctionName] = byName.TryGetValue(f.FunctionName, out var old) ? ActivityStatsGrain.Add(old, f) with { InFlight = f.InFlight } : f;
        }

        return next with { Functions = [.. byName.Values] };
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = LogEvents.ActivityReportFailed, Level = LogLevel.Debug, Message = "Reporting activity failed, kept for the next report: {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string reason);

    private sealed class Counters
    {
        public long Received;
        public long Started;
        public long Succeeded;
        public long Failed;
        public long Dropped;
        public long Cancelled;
        public long Retried;
        public long Throttled;
        public long InFlight;
    }
}
