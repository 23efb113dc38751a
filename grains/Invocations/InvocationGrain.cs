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
    AttemptExecution execution,
    FirstAttempts firstAttempts,
    RetryPolicy retries,
    PlatformClock clock,
    FunctionArns arns,
    VersionRouter router,
    DeliveryPump deliveries,
    IOptions<AsyncInvokeOptions> options,
    ILogger<InvocationGrain> logger) : Grain, IInvocationGrain
{
    internal const int MaxChainDepth = 16;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(2);
    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly WakeUpTimer _timer = new();
    private InvocationState? _state;
    private Task? _loading;
    private IGrainTimer? _idleTimer;

    /// <summary>While an attempt runs: how long past its deadline the stored wake-up waits before assuming the silo was lost.</summary>
    private TimeSpan _runningLease;

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

    /// <summary>
    /// Loads the stored state once per activation (shared by interleaved callers); again on each call while the
    /// stored state says its first attempt runs from memory on the accepting silo, which stores its outcome without
    /// this grain.
    /// </summary>
    private Task EnsureLoadedAsync()
    {
        if (_loading is { IsCompleted: true } && !_working && _state?.FirstAttemptUntil is not null)
        {
            _loading = LoadAsync();
        }

        return _loading ??= LoadAsync();
    }

    /// <summary>
    /// The status as callers read it. While the first attempt runs from memory it is that attempt's, exactly when it
    /// runs on this silo, and otherwise the stored state with the attempt shown running since the accept (it starts as
    /// the accept returns); a cancel stored meanwhile shows as asked for.
    /// </summary>
    private InvocationStatus CurrentStatus()
    {
        if (!FirstAttemptElsewhere)
        {
            return S.ToStatus(RequestId, arns);
        }

        var running = firstAttempts.StatusOf(RequestId) ?? S.ToStatus(RequestId, arns) with
        {
            Phase = InvocationPhase.Running,
            AttemptCount = S.AttemptCount + 1,
        };
        return running with { CancelRequested = S.CancelRequested };
    }

    /// <summary>Whether the first attempt runs from memory on the accepting silo now (until its lease ends).</summary>
    private bool FirstAttemptElsewhere => _state?.FirstAttemptUntil is { } until && clock.UtcNow < until;

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

        var due = FirstAttemptElsewhere ? S.FirstAttemptUntil!.Value : S.NextAttemptAt ?? clock.UtcNow;
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
        if (_state is null || S.IsFinal || FirstAttemptElsewhere || (S.Phase != InvocationPhase.Running && S.NextAttemptAt is { } due && !ShortWait(due)))
        {
            // Nothing to do here soon (unknown, finished, running elsewhere or waiting long): do not stay in memory for a status read.
            DeactivateSoon();
        }

        return RecordExists ? CurrentStatus() : null;
    }

    public Task EndFirstAttemptAsync(FirstAttemptEnd end) => RunTurnAsync(() => ApplyFirstAttemptAsync(end));

    /// <summary>Applies a first attempt's result to the stored state, unless the invocation moved on without it.</summary>
    private async Task ApplyFirstAttemptAsync(FirstAttemptEnd end)
    {
        _state = await store.ReadAsync(RequestId);
        _loading = Task.CompletedTask;
        if (_state is null || S.IsFinal || S.FirstAttemptUntil is null)
        {
            // Its stored wake-up ran it again meanwhile, or it was cleared: this result is one attempt too many.
            LogFirstAttemptSuperseded(logger, RequestId);
            _state = null;
            _loading = null;
            DeactivateSoon();
            return;
        }

        _timer.Cancel();
        using var scope = execution.Scope(RequestId, S.FunctionName);
        var dueAt = S.NextAttemptAt ?? end.StartedAt;
        InvocationTransitions.BeginAttempt(S, end.StartedAt);
        await OnAttemptEndedAsync(end.Function, new AttemptResult(end.Outcome, end.Payload, end.Error, end.RetryAfter), end.StartedAt, dueAt, end.FinishedAt);
    }

    private Task RunDueWorkAsync() => RunTurnAsync(RunDueWorkCoreAsync);

    /// <summary>One turn of work: a cancel that arrived meanwhile ends it; a failure drops what the activation holds.</summary>
    private async Task RunTurnAsync(Func<Task> work)
    {
        _working = true;
        try
        {
            await work();
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

        if (S.FirstAttemptUntil is { } leaseEnd)
        {
            if (clock.UtcNow < leaseEnd)
            {
                // The accepting silo runs the first attempt until then and stores its outcome (or hands it here).
                ArmOrDeactivate(leaseEnd);
                return;
            }

            // The lease ran out without the attempt's outcome in this activation: read what was stored, and if the
            // attempt never ended (its silo was lost), run it again here.
            _state = await store.ReadAsync(RequestId);
            if (!RecordExists)
            {
                return;
            }

            S.FirstAttemptUntil = null;
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

    [LoggerMessage(EventId = LogEvents.FirstAttemptSuperseded, Level = LogLevel.Debug, Message = "The first attempt of {RequestId} reported back after the invocation moved on; its result is not applied")]
    private static partial void LogFirstAttemptSuperseded(ILogger logger, string requestId);

    private void Publish(InvocationEventKind kind, int attempt, DateTimeOffset? due = null, string? condition = null) =>
        execution.Publish(kind, RequestId, S.FunctionName, attempt, due, condition);
}
