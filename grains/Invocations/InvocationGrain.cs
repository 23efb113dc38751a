using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations;
using System.Diagnostics;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Placement;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// One asynchronous invocation. Its state and durable wake-up live in the <see cref="IInvocationStore"/> (one write
/// moves both); the store's wake-up index is the durable clock, a grain timer the precise one while the grain is
/// active. Every wake-up, from either, runs <see cref="RunDueWorkAsync"/>, which does only what is due, so duplicate
/// and late ticks converge. An invocation waiting longer than <see cref="AsyncInvokeOptions.ActiveWaitLimit"/>, or
/// finished, deactivates: pending work costs the silo no memory.
/// </summary>
[GrainType("asyncinvoke-invocation")]
[PreferLocalPlacement]
public sealed partial class InvocationGrain(
    IInvocationStore store,
    InvocationIngress ingress,
    FunctionRunner runner,
    RetryPolicy retries,
    PlatformClock clock,
    FunctionArns arns,
    VersionRouter router,
    DeliveryPump deliveries,
    IOptions<AsyncInvokeOptions> options,
    IEnumerable<IInvocationObserver> observers,
    ILogger<InvocationGrain> logger) : Grain, IInvocationGrain
{
    private const int MaxChainDepth = 16;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(2);
    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly IInvocationObserver[] _observers = [.. observers];
    private readonly WakeUpTimer _timer = new();
    private InvocationState? _state;
    private Task? _loading;
    private IGrainTimer? _idleTimer;

    /// <summary>While an attempt runs: how long past its deadline the stored wake-up waits before assuming the silo was lost.</summary>
    private TimeSpan _runningLease;

    /// <summary>Whether the running attempt announced its start, so its end is announced once too.</summary>
    private bool _attemptStartedPublished;

    /// <summary>The function as the accept resolved it: the first attempt, moments later, needs no second lookup.</summary>
    private ResolvedFunction? _resolvedAtAccept;

    /// <summary>Where this activation last put the stored wake-up, when it knows (a claim by the index moves it unseen).</summary>
    private DateTimeOffset? _storedWakeAt;

    /// <summary>Whether a turn of due work is in progress (a cancel interleaving with it asks instead of ending at once).</summary>
    private bool _working;

    /// <summary>Whether the invocation is being made final (a cancel interleaving then is too late).</summary>
    private bool _finishing;

    private string RequestId => this.GetPrimaryKeyString();

    private InvocationState S => _state!;

    private bool RecordExists => _state is not null;

    /// <summary>Loads the stored state once per activation (shared by interleaved callers).</summary>
    private Task EnsureLoadedAsync() => _loading ??= LoadAsync();

    private async Task LoadAsync()
    {
        _state = await store.ReadAsync(RequestId);
        if (_state is null || S.IsFinal)
        {
            return;
        }

        if (S.Phase == InvocationPhase.Running)
        {
            // The silo running the attempt died: the attempt did not finish and runs again with the same number.
            var attempt = InvocationTransitions.Interrupt(S, clock.UtcNow);
            LogInterrupted(logger, RequestId, S.FunctionName, attempt);
            Publish(InvocationEventKind.Interrupted, attempt);
        }

        var due = S.NextAttemptAt ?? clock.UtcNow;
        if (due - clock.UtcNow <= _options.ActiveWaitLimit)
        {
            ScheduleTimer(due);
        }
    }

    public async Task<InvocationStatus> AcceptAsync(InvocationRequest request)
    {
        await EnsureLoadedAsync();
        if (RecordExists)
        {
            return S.ToStatus(RequestId, arns);
        }

        var outcome = (await ingress.AcceptBatchAsync([new AcceptItem { RequestId = RequestId, Request = request }], startFirstAttempts: false))[0];
        outcome.QualifierOrThrow();
        // Stored by the accept path (or, after a race, by another accept): read what was stored and start from it.
        _state = await store.ReadAsync(RequestId);
        if (_state is not null && !S.IsFinal)
        {
            ScheduleTimer(S.NextAttemptAt ?? clock.UtcNow);
        }

        return _state?.ToStatus(RequestId, arns) ?? throw ErrorCodes.ServiceFailure("The invocation was stored but could not be read back.");
    }

    public Task StartAsync(InvocationRequest accepted, DateTimeOffset receivedAt, ResolvedFunction function)
    {
        if (_loading is not null)
        {
            // Already loaded (a status read got here first): the stored state is the truth; read it again if this
            // activation saw nothing yet, and make sure it runs.
            if (_state is null)
            {
                _loading = null;
            }

            return WakeAsync();
        }

        _state = InvocationState.Accepted(accepted, receivedAt, function.RoutedVersion);
        _loading = Task.CompletedTask;
        _resolvedAtAccept = function;
        _storedWakeAt = receivedAt + _options.ReminderPeriod;
        // The accept path does not wait for this call (it only counts it as in flight), so the first attempt runs in
        // this very turn: no timer to arm.
        return RunDueWorkAsync();
    }

    public async Task WakeAsync()
    {
        await EnsureLoadedAsync();
        // Wake-ups come from the index, whose claim has just moved the stored wake-up one period ahead: an attempt
        // that ends well within it need not store its running state first. (Were that assumption wrong, the cost is a
        // spurious wake-up that queues behind the attempt and finds nothing due.)
        _storedWakeAt ??= clock.UtcNow + _options.ReminderPeriod - _options.WakeUpInterval;
        await RunDueWorkAsync();
    }

    public async Task<InvocationStatus?> GetStatusAsync()
    {
        await EnsureLoadedAsync();
        if (_state is null || S.IsFinal || (S.Phase != InvocationPhase.Running && S.NextAttemptAt is { } due && !ShortWait(due)))
        {
            // Nothing to do here soon (unknown, finished, or waiting long): do not stay in memory for a status read.
            DeactivateSoon();
        }

        return RecordExists ? S.ToStatus(RequestId, arns) : null;
    }

    private async Task RunDueWorkAsync()
    {
        _working = true;
        try
        {
            await RunDueWorkCoreAsync();
            if (RecordExists && S.CancelRequested && !S.IsFinal && !_finishing)
            {
                // A cancel arrived while this turn was busy (resolving, waiting for the limiter, storing a retry):
                // it ends here, once, instead of running on.
                await FinishCancelledAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed write (storage down, say) can leave the in-memory state ahead of the stored one. Drop the
            // activation so the next wake-up (the stored one survives) reloads what was actually stored.
            LogWakeUpFailed(logger, ex, RequestId);
            DeactivateOnIdle();
        }
        finally
        {
            _working = false;
        }
    }

    private async Task RunDueWorkCoreAsync()
    {
        if (!RecordExists)
        {
            // Nothing stored under this id (a wake-up outliving its invocation, or a stray call): nothing to do. No
            // deactivation here: duplicate wake-ups queued behind this one would be forwarded from activation to
            // activation until Orleans rejects them; idle collection removes this empty activation.
            return;
        }

        if (_finishing && !S.IsFinal)
        {
            // A cancel is making the invocation final right now: nothing else may start meanwhile.
            return;
        }

        var now = clock.UtcNow;
        if (S.IsFinal)
        {
            if (S.HandOffPending)
            {
                await RetryHandOffAsync();
                return;
            }

            if (S.RetainUntil is { } until && now >= until)
            {
                await store.DeleteAsync(RequestId, S.FunctionName);
                LogCleared(logger, RequestId);
                Publish(InvocationEventKind.Cleared, S.AttemptCount);
                _state = null;
                DeactivateSoon();
            }
            else if (S.RetainUntil is { } end)
            {
                // A duplicate wake-up of a finished invocation: make sure its stored one is at the end of retention.
                await store.WriteAsync(RequestId, S, end);
            }

            return;
        }

        if (S.NextAttemptAt is { } due && due > now && S.Phase != InvocationPhase.Paused)
        {
            // Early: a duplicate or a claimed backstop. Put the stored wake-up back where it belongs and keep waiting.
            await SaveAndWaitAsync(due);
            return;
        }

        await AttemptAsync();
    }

    private void Publish(InvocationEventKind kind, int attempt, DateTimeOffset? due = null, string? condition = null)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var e = new InvocationEvent(kind, RequestId, S.FunctionName, attempt, clock.UtcNow, due, condition);
        foreach (var observer in _observers)
        {
            observer.OnEvent(e);
        }
    }
}
